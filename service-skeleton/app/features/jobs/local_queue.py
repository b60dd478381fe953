"""A SQLite-file queue with SQS semantics, shared by the API and worker processes on one machine.

Why SQLite: it needs no server, and its file locking makes receive (select + hide) atomic across
processes, which an in-memory queue cannot do. WAL mode lets the API enqueue while a worker polls.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from app.features.jobs.queue import Job, ReceivedMessage

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id            TEXT PRIMARY KEY,
    queue         TEXT NOT NULL,
    body          TEXT NOT NULL,
    visible_at    REAL NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    receipt       TEXT,
    sent_at       REAL NOT NULL,
    dead_reason   TEXT
);
CREATE INDEX IF NOT EXISTS messages_ready ON messages (queue, visible_at, sent_at);
"""


class SqliteJobQueue:
    """`JobQueue` over one SQLite file; the dead-letter queue is the queue name + `-dlq` in the same file."""

    def __init__(
        self,
        path: Path,
        *,
        name: str,
        dlq_name: str | None = None,
        visibility_timeout_seconds: int = 60,
        poll_seconds: float = 0.2,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.name = name
        self.dlq_name = dlq_name or f"{name}-dlq"
        self.visibility_timeout_seconds = visibility_timeout_seconds
        self.poll_seconds = poll_seconds
        self._clock = clock
        self._ready = False

    # -- plumbing -----------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        if not self._ready:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            self._ready = True
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        conn = self._connect()
        try:
            return fn(conn)
        finally:
            conn.close()

    async def _call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.to_thread(self._run, fn)

    # -- JobQueue -----------------------------------------------------------------------------
    async def send(self, job: Job, *, delay_seconds: int = 0) -> str:
        return await self.send_raw(job.to_json(), delay_seconds=delay_seconds)

    async def send_raw(self, body: str, *, delay_seconds: int = 0, queue: str | None = None) -> str:
        message_id = uuid.uuid4().hex
        now = self._clock()

        def insert(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO messages (id, queue, body, visible_at, sent_at) VALUES (?, ?, ?, ?, ?)",
                (message_id, queue or self.name, body, now + delay_seconds, now),
            )

        await self._call(insert)
        return message_id

    def _receive_once(self, max_messages: int, queue: str) -> list[ReceivedMessage]:
        def take(conn: sqlite3.Connection) -> list[ReceivedMessage]:
            now = self._clock()
            # BEGIN IMMEDIATE takes the write lock first, so two workers never take the same row.
            conn.execute("BEGIN IMMEDIATE")
            try:
                rows = conn.execute(
                    "SELECT id, body, receive_count FROM messages WHERE queue = ? AND visible_at <= ? ORDER BY sent_at LIMIT ?",
                    (queue, now, max_messages),
                ).fetchall()
                taken: list[ReceivedMessage] = []
                for message_id, body, count in rows:
                    receipt = f"{message_id}:{uuid.uuid4().hex}"
                    conn.execute(
                        "UPDATE messages SET visible_at = ?, receive_count = ?, receipt = ? WHERE id = ?",
                        (now + self.visibility_timeout_seconds, count + 1, receipt, message_id),
                    )
                    taken.append(ReceivedMessage(message_id, body, receipt, count + 1))
                conn.execute("COMMIT")
                return taken
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        return self._run(take)

    async def receive(self, *, max_messages: int, wait_seconds: float) -> list[ReceivedMessage]:
        return await self.receive_from(self.name, max_messages=max_messages, wait_seconds=wait_seconds)

    async def receive_from(self, queue: str, *, max_messages: int, wait_seconds: float) -> list[ReceivedMessage]:
        """Long-poll like SQS: return as soon as something is there, or empty after `wait_seconds`."""
        deadline = time.monotonic() + wait_seconds
        while True:
            messages = await asyncio.to_thread(self._receive_once, max_messages, queue)
            if messages or time.monotonic() >= deadline:
                return messages
            await asyncio.sleep(min(self.poll_seconds, max(0.0, deadline - time.monotonic())))

    async def delete(self, message: ReceivedMessage) -> None:
        await self._call(lambda c: c.execute("DELETE FROM messages WHERE receipt = ?", (message.receipt_handle,)))

    async def change_visibility(self, message: ReceivedMessage, seconds: int) -> None:
        visible_at = self._clock() + seconds
        await self._call(
            lambda c: c.execute("UPDATE messages SET visible_at = ? WHERE receipt = ?", (visible_at, message.receipt_handle))
        )

    async def move_to_dead_letter(self, message: ReceivedMessage, *, reason: str) -> None:
        now = self._clock()
        await self._call(
            lambda c: c.execute(
                "UPDATE messages SET queue = ?, visible_at = ?, receive_count = 0, receipt = NULL, dead_reason = ? "
                "WHERE receipt = ?",
                (self.dlq_name, now, reason, message.receipt_handle),
            )
        )

    async def has_redrive(self) -> bool:
        return False  # the worker moves messages itself

    async def ping(self) -> None:
        await self._call(lambda c: c.execute("SELECT 1").fetchone())

    async def close(self) -> None:
        return None

    # -- inspection (tests, local tooling) -----------------------------------------------------
    async def counts(self) -> dict[str, int]:
        """Messages per queue name (visible or not)."""

        def count(conn: sqlite3.Connection) -> dict[str, int]:
            rows = conn.execute("SELECT queue, COUNT(*) FROM messages GROUP BY queue").fetchall()
            return {queue: n for queue, n in rows}

        return await self._call(count)

    async def dead_letters(self) -> list[dict[str, Any]]:
        def read(conn: sqlite3.Connection) -> list[dict[str, Any]]:
            rows = conn.execute(
                "SELECT id, body, dead_reason FROM messages WHERE queue = ? ORDER BY sent_at", (self.dlq_name,)
            ).fetchall()
            return [{"id": i, "body": _decode(b), "reason": r} for i, b, r in rows]

        return await self._call(read)


def _decode(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body
