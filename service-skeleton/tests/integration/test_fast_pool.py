"""`FastPool` (app.core.pg) against a real PostgreSQL: connections are reused, a statement the
server refuses keeps its connection, a cancelled one loses it, idle and old connections are
closed, the password comes from the callable (RDS IAM tokens) for each new connection, and jsonb
comes back as Python values."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from app.core.pg import FastPool

pytestmark = pytest.mark.integration


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def dsn(pg_database: str) -> str:
    return make_url(pg_database).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def pool(dsn: str, clock: Clock) -> AsyncIterator[FastPool]:
    settings = {"application_name": "fast-pool-test"}
    fast = FastPool(dsn, server_settings=settings, connect_timeout=5, recycle_seconds=600, idle_seconds=60, clock=clock)
    yield fast
    await fast.close()


async def _backend_pid(pool: FastPool) -> int:
    async with pool.connection() as conn:
        pid: int = await conn.fetchval("SELECT pg_backend_pid()")
        return pid


async def test_connections_are_reused_and_set_up(pool: FastPool) -> None:
    first = await _backend_pid(pool)
    assert await _backend_pid(pool) == first
    assert pool.opened == 1
    async with pool.connection() as conn:
        assert await conn.fetchval("SELECT current_setting('application_name')") == "fast-pool-test"
        assert await conn.fetchval("SELECT $1::jsonb", ["a", 1]) == ["a", 1]
        assert await conn.fetchval("""SELECT '{"k": [1, 2]}'::json""") == {"k": [1, 2]}
        assert await conn.fetchval("SELECT 1.50::numeric(12,2)") == Decimal("1.50")


async def test_a_refused_statement_keeps_the_connection(pool: FastPool) -> None:
    first = await _backend_pid(pool)
    with pytest.raises(asyncpg.UndefinedTableError):
        async with pool.connection() as conn:
            await conn.fetch("SELECT * FROM no_such_table")
    assert await _backend_pid(pool) == first
    assert pool.opened == 1


async def test_a_cancelled_statement_loses_its_connection(pool: FastPool) -> None:
    first = await _backend_pid(pool)

    async def slow() -> None:
        async with pool.connection() as conn:
            await conn.execute("SELECT pg_sleep(5)")

    task = asyncio.create_task(slow())
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    second = await _backend_pid(pool)
    assert second != first and pool.opened == 2


async def test_a_transaction_left_open_is_not_reused(pool: FastPool) -> None:
    first = await _backend_pid(pool)
    async with pool.connection() as conn:
        await conn.execute("BEGIN")
    assert await _backend_pid(pool) != first


async def test_idle_and_old_connections_are_closed(pool: FastPool, clock: Clock) -> None:
    async def hold_two() -> None:
        held = asyncio.Event()

        async def use() -> None:
            async with pool.connection() as conn:
                await conn.fetchval("SELECT 1")
                held.set()
                await asyncio.sleep(0.05)

        await asyncio.gather(use(), use())

    await hold_two()
    assert pool.opened == 2
    clock.now += 61  # both idle for over a minute: the release of the next one closes the other
    await _backend_pid(pool)
    assert await _backend_pid(pool) == await _backend_pid(pool)
    assert pool.opened == 2  # one of the two reused, the idle one closed, none opened
    clock.now += 601  # past recycle_seconds since it was opened: replaced on the next use
    await _backend_pid(pool)
    assert pool.opened == 3


async def test_the_password_callable_is_asked_for_each_new_connection(pg_database: str) -> None:
    url = make_url(pg_database)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    asked: list[str] = []

    def token() -> str:
        asked.append("token")
        return "iam-token"  # trust auth accepts any password: what matters is that it is asked for

    fast = FastPool(dsn, server_settings={}, password=token, connect_timeout=5, recycle_seconds=600)
    try:
        await _backend_pid(fast)
        await _backend_pid(fast)
        assert asked == ["token"]
    finally:
        await fast.close()
