"""The async database: SQLAlchemy 2 engine and sessions, pool settings from config, RDS IAM
auth tokens injected on each new connection when DB_IAM_AUTH=true."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Request
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from app.settings import Settings


class Base(DeclarativeBase):
    """Declarative base of every table; Alembic autogenerate reads `Base.metadata`."""


TokenGenerator = Callable[..., str]


class IamTokenProvider:
    """RDS IAM auth tokens (valid 15 minutes), cached for 10 so a pool refill does not sign anew each time."""

    def __init__(self, *, host: str, port: int, user: str, region: str | None, client: Any = None) -> None:
        self.host, self.port, self.user, self.region = host, port, user, region
        self._client = client
        self._token: str | None = None
        self._expires = 0.0

    def _rds(self) -> Any:
        if self._client is None:
            import boto3  # lazily: only deployments with IAM auth pay for the import

            self._client = boto3.client("rds", region_name=self.region)
        return self._client

    def token(self) -> str:
        now = time.monotonic()
        if self._token is None or now >= self._expires:
            self._token = self._rds().generate_db_auth_token(
                DBHostname=self.host, Port=self.port, DBUsername=self.user, Region=self.region
            )
            self._expires = now + 600
        return self._token

    def inject(self, dialect: Any, conn_rec: Any, cargs: Any, cparams: dict[str, Any]) -> None:
        """SQLAlchemy `do_connect` hook: the token is the password."""
        cparams["password"] = self.token()


class Database:
    """`engine` and `sessionmaker` for the app; features use `app.state.db.session()`."""

    def __init__(self, settings: Settings, *, rds_client: Any = None) -> None:
        url = make_url(settings.database_url)
        kwargs: dict[str, Any] = {"pool_pre_ping": False}
        self.dialect = url.get_backend_name()
        if self.dialect == "sqlite":
            kwargs["connect_args"] = {"timeout": 15}
        else:
            kwargs.update(
                pool_size=settings.db_pool_size,
                max_overflow=settings.db_max_overflow,
                pool_timeout=settings.db_pool_timeout,
                pool_recycle=settings.db_pool_recycle,
            )
            if url.get_driver_name() == "asyncpg":
                kwargs["connect_args"] = {
                    "server_settings": {
                        "application_name": settings.service_name,
                        "statement_timeout": str(settings.db_statement_timeout_ms),
                    },
                }
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        self.iam: IamTokenProvider | None = None
        if settings.db_iam_auth:
            if self.dialect == "sqlite":
                raise ValueError("DB_IAM_AUTH=true needs a PostgreSQL DATABASE_URL")
            self.iam = IamTokenProvider(
                host=url.host or "localhost",
                port=url.port or 5432,
                user=url.username or "",
                region=settings.db_iam_region,
                client=rds_client,
            )
            event.listen(self.engine.sync_engine, "do_connect", self.iam.inject)
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker() as session:
            yield session

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Dependency: one session per request."""
    async with request.app.state.db.sessionmaker() as session:
        yield session
