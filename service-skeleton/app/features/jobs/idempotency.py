"""Remembers which idempotency keys were processed, so a redelivered or duplicated job runs once.

A key moves `absent -> processing (lease) -> done (TTL)`. The lease is as long as the visibility
timeout: if the worker dies mid-job the lease expires and the redelivery can claim it again.
Redis (`SET NX EX`) in the cluster; a SQLite file shared by local processes; memory in unit tests.
"""

from __future__ import annotations

import asyncio
import enum
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

_PROCESSING = "processing"
_DONE = "done"


class Claim(enum.Enum):
    ACQUIRED = "acquired"  # go ahead
    DONE = "done"  # already processed: acknowledge the duplicate
    BUSY = "busy"  # another worker holds the lease: try later


class IdempotencyStore(Protocol):
    async def claim(self, key: str, *, lease_seconds: int) -> Claim: ...
    async def extend(self, key: str, *, lease_seconds: int) -> None: ...
    async def complete(self, key: str, *, ttl_seconds: int) -> None: ...
    async def release(self, key: str) -> None: ...


class RedisIdempotencyStore:
    """Keys under `<prefix>:<key>` with `SET NX EX`; values `processing` or `done`."""

    def __init__(self, redis: Any, *, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    def _k(self, key: str) -> str:
        return f"{self._prefix}:{key}"

    async def claim(self, key: str, *, lease_seconds: int) -> Claim:
        if await self._redis.set(self._k(key), _PROCESSING, nx=True, ex=max(1, lease_seconds)):
            return Claim.ACQUIRED
        value = await self._redis.get(self._k(key))
        if isinstance(value, bytes):
            value = value.decode()
        if value == _DONE:
            return Claim.DONE
        if value is None:  # expired between SET and GET: try once more
            return await self.claim(key, lease_seconds=lease_seconds)
        return Claim.BUSY

    async def extend(self, key: str, *, lease_seconds: int) -> None:
        value = await self._redis.get(self._k(key))
        if value in (_PROCESSING, _PROCESSING.encode()):
            await self._redis.expire(self._k(key), max(1, lease_seconds))

    async def complete(self, key: str, *, ttl_seconds: int) -> None:
        await self._redis.set(self._k(key), _DONE, ex=ttl_seconds)

    async def release(self, key: str) -> None:
        # Only our own lease: never forget a key that is already done.
        value = await self._redis.get(self._k(key))
        if value in (_PROCESSING, _PROCESSING.encode()):
            await self._redis.delete(self._k(key))


class SqliteIdempotencyStore:
    """The same state machine in a SQLite file, for the API and worker processes on one machine."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._ready = False

    def _run(self, sql_fn: Callable[[sqlite3.Connection], Any]) -> Any:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        try:
            if not self._ready:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, state TEXT NOT NULL, expires_at REAL NOT NULL)"
                )
                self._ready = True
            return sql_fn(conn)
        finally:
            conn.close()

    async def claim(self, key: str, *, lease_seconds: int) -> Claim:
        def claim(conn: sqlite3.Connection) -> Claim:
            now = self._clock()
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute("SELECT state FROM idempotency WHERE key = ? AND expires_at > ?", (key, now)).fetchone()
                if row is None:
                    conn.execute(
                        "INSERT OR REPLACE INTO idempotency (key, state, expires_at) VALUES (?, ?, ?)",
                        (key, _PROCESSING, now + lease_seconds),
                    )
                    result = Claim.ACQUIRED
                else:
                    result = Claim.DONE if row[0] == _DONE else Claim.BUSY
                conn.execute("COMMIT")
                return result
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        return await asyncio.to_thread(self._run, claim)

    async def extend(self, key: str, *, lease_seconds: int) -> None:
        expires = self._clock() + lease_seconds
        await asyncio.to_thread(
            self._run,
            lambda c: c.execute("UPDATE idempotency SET expires_at = ? WHERE key = ? AND state = ?", (expires, key, _PROCESSING)),
        )

    async def complete(self, key: str, *, ttl_seconds: int) -> None:
        expires = self._clock() + ttl_seconds
        await asyncio.to_thread(
            self._run,
            lambda c: c.execute(
                "INSERT OR REPLACE INTO idempotency (key, state, expires_at) VALUES (?, ?, ?)", (key, _DONE, expires)
            ),
        )

    async def release(self, key: str) -> None:
        await asyncio.to_thread(
            self._run, lambda c: c.execute("DELETE FROM idempotency WHERE key = ? AND state = ?", (key, _PROCESSING))
        )


class MemoryIdempotencyStore:
    """In-process only: for unit tests and single-process use."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._keys: dict[str, tuple[str, float]] = {}

    async def claim(self, key: str, *, lease_seconds: int) -> Claim:
        now = self._clock()
        entry = self._keys.get(key)
        if entry is None or entry[1] <= now:
            self._keys[key] = (_PROCESSING, now + lease_seconds)
            return Claim.ACQUIRED
        return Claim.DONE if entry[0] == _DONE else Claim.BUSY

    async def extend(self, key: str, *, lease_seconds: int) -> None:
        if self._keys.get(key, ("",))[0] == _PROCESSING:
            self._keys[key] = (_PROCESSING, self._clock() + lease_seconds)

    async def complete(self, key: str, *, ttl_seconds: int) -> None:
        self._keys[key] = (_DONE, self._clock() + ttl_seconds)

    async def release(self, key: str) -> None:
        if self._keys.get(key, ("",))[0] == _PROCESSING:
            del self._keys[key]
