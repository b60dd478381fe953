"""Database migrations: `python -m app.migrate [upgrade [REV] | downgrade REV | current]`.

Deploy runs `python -m app.migrate` as a Kubernetes Job before the rollout; locally the app runs
it at startup (DB_AUTO_MIGRATE). On PostgreSQL an advisory lock keeps two runners from racing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.core.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_ID = 0x5EC7_0001  # any constant shared by every runner of this service


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _run(connection: Connection, action: str, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    if action == "upgrade":
        command.upgrade(cfg, revision)
    elif action == "downgrade":
        command.downgrade(cfg, revision)
    else:
        raise ValueError(f"unknown migration action {action!r}")


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def run_migrations(db: Database, action: str = "upgrade", revision: str = "head") -> str | None:
    """Apply migrations on `db`; returns the revision afterwards."""
    async with db.engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            await conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _LOCK_ID})
        try:
            await conn.run_sync(_run, action, revision)
            await conn.commit()
            return await conn.run_sync(_current)
        finally:
            if postgres:
                await conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _LOCK_ID})
                await conn.commit()


async def current_revision(db: Database) -> str | None:
    async with db.engine.connect() as conn:
        return await conn.run_sync(_current)


def main(argv: list[str] | None = None) -> int:
    from app.core.log import configure_logging, get_logger
    from app.core.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m app.migrate", description=__doc__.splitlines()[0])
    parser.add_argument("action", nargs="?", default="upgrade", choices=("upgrade", "downgrade", "current"))
    parser.add_argument("revision", nargs="?", default=None, help="target revision (upgrade: head; downgrade: required)")
    args = parser.parse_args(argv)
    if args.action == "downgrade" and not args.revision:
        parser.error("downgrade needs a target revision, e.g. -1 or base")
    settings = Settings()
    configure_logging(service=settings.service_name, level=settings.log_level, json=settings.log_json)
    log = get_logger("app.migrate")

    async def go() -> str | None:
        db = Database(settings)
        try:
            if args.action == "current":
                return await current_revision(db)
            return await run_migrations(db, args.action, args.revision or "head")
        finally:
            await db.dispose()

    try:
        revision = asyncio.run(go())
    except Exception as exc:
        log.error("migration_failed", action=args.action, error=f"{type(exc).__name__}: {exc}")
        return 1
    log.info("migration_done", action=args.action, revision=revision)
    print(revision or "base", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
