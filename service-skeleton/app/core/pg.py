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

import time
from collections import deque
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


class FastPool:
    """Open asyncpg connections, reused last-in first-out; as many as are in use at once, which the
    database's gate bounds (its DB_POOL_SIZE slots: the caller holds one). asyncpg's own Pool would
    do, but on this machine kind its acquire/release costs 60 µs of CPU where this costs 40: it
    shields every release in a new task and, by default, sends `RESET ALL; UNLISTEN *; …` each
    time, for state these statements never create (no SET, LISTEN, cursors or advisory locks)."""

    def __init__(
        self,
        dsn: str,
        *,
        server_settings: dict[str, str],
        password: Callable[[], str] | None = None,
        connect_timeout: float,
        recycle_seconds: float,
        idle_seconds: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._dsn = dsn
        self._server_settings = server_settings
        self._password = password
        self._connect_timeout = connect_timeout
        self._recycle = recycle_seconds
        self._idle_seconds = idle_seconds
        self._clock = clock
        self._idle: deque[tuple[asyncpg.Connection, float, float]] = deque()  # (connection, opened, last used)
        self.opened = 0
        """Connections opened so far (tests, metrics)."""

    async def _connect(self) -> tuple[asyncpg.Connection, float]:
        kwargs: dict[str, Any] = {"password": self._password} if self._password is not None else {}
        conn = await asyncpg.connect(self._dsn, server_settings=self._server_settings, timeout=self._connect_timeout, **kwargs)
        try:
            await _on_connect(conn)
        except BaseException:
            conn.terminate()
            raise
        self.opened += 1
        return conn, self._clock()

    async def _take(self) -> tuple[asyncpg.Connection, float]:
        now = self._clock()
        while self._idle:
            conn, opened, _ = self._idle.pop()
            if not conn.is_closed() and now - opened < self._recycle:
                return conn, opened
            conn.terminate()
        return await self._connect()

    def _put(self, conn: asyncpg.Connection, opened: float) -> None:
        now = self._clock()
        self._idle.append((conn, opened, now))
        while self._idle and now - self._idle[0][2] > self._idle_seconds:  # the least recently used first
            self._idle.popleft()[0].terminate()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection for statements in autocommit (each its own transaction)."""
        conn, opened = await self._take()
        try:
            yield conn
        except asyncpg.PostgresError:
            # The server refused a statement; the connection itself is fine unless a transaction was left open.
            self._release(conn, opened)
            raise
        except BaseException:
            conn.terminate()  # cancelled or broken mid-statement: its protocol state is unknown
            raise
        else:
            self._release(conn, opened)

    def _release(self, conn: asyncpg.Connection, opened: float) -> None:
        if conn.is_closed() or conn.is_in_transaction():
            conn.terminate()
        else:
            self._put(conn, opened)

    async def close(self) -> None:
        while self._idle:
            await self._idle.pop()[0].close()
