"""A lean asyncpg pool for the few statements on the request path that must be fast (read an
item by id, insert one, list a page), beside SQLAlchemy's engine, which keeps everything else.

Why a second pool: SQLAlchemy's ORM costs about 0.9 ms of CPU for `session.get()` on this
machine kind and its Core about 0.25 ms, where asyncpg's prepared statement costs about 0.1 ms
(bench/README.md, "Service"). The statements here are plain SQL, prepared once per connection
by asyncpg's statement cache. The pool shares the database's first-come-first-served gate
(`Database.turn`), so a process never uses more than DB_POOL_SIZE connections at once; each pool
may keep up to DB_POOL_SIZE open, and this one closes those idle for a minute.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson

IDLE_SECONDS = 60.0


def _jsonb_encode(value: Any) -> bytes:
    return b"\x01" + orjson.dumps(value)  # the binary format: a version byte (1), then the text


def _jsonb_decode(data: bytes) -> Any:
    return orjson.loads(data[1:])


def _json_encode(value: Any) -> str:
    return orjson.dumps(value).decode()


async def _on_connect(conn: asyncpg.Connection) -> None:
    """Every new connection decodes json/jsonb to Python values, as SQLAlchemy's dialect does."""
    await conn.set_type_codec("jsonb", schema="pg_catalog", encoder=_jsonb_encode, decoder=_jsonb_decode, format="binary")
    await conn.set_type_codec("json", schema="pg_catalog", encoder=_json_encode, decoder=orjson.loads, format="text")


async def _reset(conn: asyncpg.Connection) -> None:
    """On release: roll back a transaction left open (an error inside one). asyncpg's default
    reset sends `RESET ALL; UNLISTEN *; CLOSE ALL; …` on every release, a round trip for state
    these statements never create (no SET, LISTEN, cursors or advisory locks)."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


class FastPool:
    """asyncpg's pool, created on first use inside the running event loop."""

    def __init__(
        self,
        dsn: str,
        *,
        size: int,
        server_settings: dict[str, str],
        password: Callable[[], str] | None = None,
        connect_timeout: float,
    ) -> None:
        self._dsn = dsn
        self._size = size
        self._server_settings = server_settings
        self._password = password
        self._connect_timeout = connect_timeout
        self._pool: asyncpg.Pool | None = None
        self._creating = asyncio.Lock()

    async def _get(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._creating:
                if self._pool is None:
                    kwargs: dict[str, Any] = {"password": self._password} if self._password is not None else {}
                    self._pool = await asyncpg.create_pool(
                        self._dsn,
                        min_size=0,
                        max_size=self._size,
                        max_inactive_connection_lifetime=IDLE_SECONDS,
                        init=_on_connect,
                        reset=_reset,
                        server_settings=self._server_settings,
                        timeout=self._connect_timeout,
                        **kwargs,
                    )
        return self._pool

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection for statements in autocommit (each its own transaction). The caller holds
        the database's gate, so a connection is always free or being opened."""
        pool = await self._get()
        async with pool.acquire() as conn:
            yield conn

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
