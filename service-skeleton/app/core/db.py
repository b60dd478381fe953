"""The async database: SQLAlchemy 2 engine and sessions, pool settings from config, RDS IAM
auth tokens injected on each new connection when DB_IAM_AUTH=true."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from app.core.pg import FastPool
from app.core.settings import Settings


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
    """`engine` and `sessionmaker` for the app; features use `services(app).db.session()`."""

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
        self.fast: FastPool | None = None
        """asyncpg's own pool for the request path's hottest statements; None on SQLite (see app.core.pg)."""
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
        if url.get_driver_name() == "asyncpg":
            self.fast = FastPool(
                url.set(drivername="postgresql").render_as_string(hide_password=False),
                server_settings=kwargs["connect_args"]["server_settings"],
                password=self.iam.token if self.iam is not None else None,
                connect_timeout=settings.db_pool_timeout,
                recycle_seconds=settings.db_pool_recycle,
            )
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # Reads of one statement need no transaction: in autocommit the driver sends no BEGIN
        # and no ROLLBACK, so a read is one round trip instead of three.
        self.reader = async_sessionmaker(self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)
        # SQLAlchemy's pool lets a request arriving just as a connection is returned take it ahead
        # of the requests already waiting (p99 of 3 s at 256 connections). asyncio.Semaphore
        # queues strictly in arrival order, so requests wait here, first come first served, and
        # never in the pool. Sized like the pool: pool_size + max_overflow.
        limit = 1_000_000 if self.dialect == "sqlite" else settings.db_pool_size + settings.db_max_overflow
        self._gate = asyncio.Semaphore(limit)
        self._gate_timeout = settings.db_pool_timeout

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait, first come first served, for one of the process's DB_POOL_SIZE connection slots."""
        if self._gate.locked():
            try:
                async with asyncio.timeout(self._gate_timeout):
                    await self._gate.acquire()
            except TimeoutError:
                raise PoolTimeout(f"no database connection free within {self._gate_timeout}s") from None
        else:
            await self._gate.acquire()  # free, nobody queued: taken at once, no timer to arm
        try:
            yield
        finally:
            self._gate.release()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session for a unit of work (a transaction begins at its first statement)."""
        async with self.turn(), self.sessionmaker() as session:
            yield session

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only, in autocommit: no BEGIN/ROLLBACK round trips."""
        async with self.turn(), self.reader() as session:
            yield session

    @asynccontextmanager
    async def fast_connection(self) -> AsyncIterator[Any]:
        """An asyncpg connection in autocommit from `fast` (PostgreSQL only), in the same queue as sessions."""
        if self.fast is None:
            raise RuntimeError("fast_connection() needs a postgresql+asyncpg DATABASE_URL")
        async with self.turn(), self.fast.connection() as conn:
            yield conn

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        if self.fast is not None:
            await self.fast.close()
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()

