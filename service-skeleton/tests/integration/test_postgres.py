"""Against a real PostgreSQL: migrations up and down, the items API on JSONB, IAM token injection."""

from __future__ import annotations

import asyncpg
import pytest

from app.api.services import services
from app.core.db import Database
from app.migrate import current_revision, run_migrations
from app.migrate import main as migrate_main

pytestmark = pytest.mark.integration


async def _tables(url: str) -> set[str]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {r["tablename"] for r in rows}
    finally:
        await conn.close()


async def test_migrations_up_and_down(pg_database, settings_factory):
    db = Database(settings_factory(database_url=pg_database))
    try:
        assert await current_revision(db) is None
        assert await run_migrations(db, "upgrade", "head") == "0001"
        assert {"items", "alembic_version"} <= await _tables(pg_database)
        assert await run_migrations(db, "upgrade", "head") == "0001"  # idempotent
        assert await run_migrations(db, "downgrade", "base") is None
        assert "items" not in await _tables(pg_database)
        assert await run_migrations(db, "upgrade", "head") == "0001"
    finally:
        await db.dispose()


async def test_migrate_entry_point(pg_database, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", pg_database)
    monkeypatch.setenv("ENVIRONMENT", "local")
    assert await _run_cli(["upgrade"]) == 0
    assert "items" in await _tables(pg_database)
    assert await _run_cli(["downgrade", "base"]) == 0
    assert "items" not in await _tables(pg_database)


async def _run_cli(argv: list[str]) -> int:
    import asyncio

    # main() calls asyncio.run, which needs a thread without a running loop.
    return await asyncio.to_thread(migrate_main, argv)


def test_migrate_entry_point_reports_failure(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    assert migrate_main(["upgrade"]) == 1


async def test_items_api_on_postgres(pg_database, client_factory, auth_header):
    editor = auth_header(sub="alice", roles=["editor"])
    async with client_factory(database_url=pg_database) as client:
        for name, tags, price in (
            ("Red chair", ["red", "furniture"], "50.00"),
            ("Blue chair", ["furniture"], "70.00"),
            ("Red pen", ["red"], "2.50"),
        ):
            response = await client.post("/items", json={"name": name, "tags": tags, "price": price}, headers=editor)
            assert response.status_code == 201, response.text
        created = response.json()
        assert created["price"] == "2.50"

        listed = (await client.get("/items", params={"tag": "red", "limit": 1}, headers=editor)).json()
        assert [i["name"] for i in listed["items"]] == ["Red chair"]
        rest = (await client.get("/items", params={"tag": "red", "cursor": listed["next_cursor"]}, headers=editor)).json()
        assert [i["name"] for i in rest["items"]] == ["Red pen"]
        assert rest["next_cursor"] is None
        names = (await client.get("/items", params={"q": "CHAIR", "max_price": "60"}, headers=editor)).json()["items"]
        assert [i["name"] for i in names] == ["Red chair"]

        item_id = created["id"]
        patched = await client.patch(f"/items/{item_id}", json={"tags": ["blue"]}, headers=editor)
        assert patched.json()["tags"] == ["blue"]
        assert patched.json()["updated_at"] >= created["updated_at"]
        assert (await client.delete(f"/items/{item_id}", headers=editor)).status_code == 204
        assert (await client.get(f"/items/{item_id}", headers=editor)).status_code == 404

        ready = await client.get("/readyz")
        assert ready.json()["checks"]["database"] == {"status": "ok"}


class FakeRds:
    def __init__(self, token: str | None = None) -> None:
        self.calls: list[dict] = []
        self.token = token

    def generate_db_auth_token(self, **kwargs) -> str:
        self.calls.append(kwargs)
        return self.token or f"iam-token-{len(self.calls)}"


def test_iam_token_is_the_password(settings_factory):
    fake = FakeRds()
    settings = settings_factory(
        database_url="postgresql+asyncpg://app_user@db.example.internal:6543/app", db_iam_auth=True, db_iam_region="eu-west-1"
    )
    db = Database(settings, rds_client=fake)
    params: dict = {"user": "app_user"}
    db.iam.inject(None, None, [], params)
    assert params["password"] == "iam-token-1"
    assert fake.calls == [{"DBHostname": "db.example.internal", "Port": 6543, "DBUsername": "app_user", "Region": "eu-west-1"}]
    db.iam.inject(None, None, [], {})  # cached: tokens live 15 minutes
    assert len(fake.calls) == 1


async def test_iam_token_is_used_on_real_connections(pg_database, settings_factory):
    from sqlalchemy import event
    from sqlalchemy.engine import make_url

    # The URL carries no password: only the token can authenticate. Our own server trusts any
    # password; a server of TEST_POSTGRES_URL checks its own, so the fake RDS hands out that one.
    url = make_url(pg_database)
    fake = FakeRds(token=url.password or "iam-token-1")
    passwordless = url.set(password=None).render_as_string(hide_password=False)
    db = Database(settings_factory(database_url=passwordless, db_iam_auth=True, db_iam_region="us-east-1"), rds_client=fake)
    seen: list[str] = []
    event.listen(db.engine.sync_engine, "do_connect", lambda d, c, a, p: seen.append(p.get("password")))
    try:
        await db.ping()
    finally:
        await db.dispose()
    assert fake.calls and fake.calls[0]["DBUsername"] == url.username
    assert seen == [fake.token]


def test_iam_auth_refuses_sqlite(settings_factory):
    with pytest.raises(ValueError, match="PostgreSQL"):
        Database(settings_factory(db_iam_auth=True))


async def test_models_and_migrations_do_not_drift(pg_database, settings_factory):
    """`alembic revision --autogenerate` would find nothing: the models match the migrations."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import app.items.models  # noqa: F401
    from app.core.db import Base

    db = Database(settings_factory(database_url=pg_database))
    try:
        await run_migrations(db)
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata)
            )
    finally:
        await db.dispose()
    # The GIN index on tags exists only in the migration (PostgreSQL-specific); everything else must match.
    relevant = [d for d in diff if not (d[0] == "remove_index" and d[1].name == "ix_items_tags")]
    assert relevant == []


async def test_unreachable_database_is_a_503_problem(client_factory, auth_header):
    async with client_factory(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none", db_auto_migrate=False) as client:
        response = await client.get("/items", headers=auth_header())
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "1"
        assert response.json()["title"] == "Service unavailable"


async def test_exhausted_pool_is_a_503_problem(pg_database, client_factory, auth_header):
    async with client_factory(database_url=pg_database, db_pool_size=1, db_max_overflow=0, db_pool_timeout=0.2) as client:
        db = services(client.app).db
        async with db.session() as session:  # hold the only connection, as a request does
            await session.connection()
            response = await client.get("/items", headers=auth_header())
        assert response.status_code == 503
        assert response.json()["title"] == "Database unavailable"
        assert (await client.get("/items", headers=auth_header())).status_code == 200
