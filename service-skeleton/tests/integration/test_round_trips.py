"""Round trips to PostgreSQL per request, counted at the driver: a read is one statement with no
BEGIN/ROLLBACK around it; a create is one INSERT … RETURNING in autocommit, with no refresh SELECT
after it; an update brings updated_at back by RETURNING too; releasing a connection sends nothing
(asyncpg's default reset would send RESET ALL and more each time). And the pool is fair."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import asyncpg
import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every statement the driver executes: simple queries (BEGIN, COMMIT, ROLLBACK, a reset),
    statements with arguments (fetch, fetchrow: the asyncpg pool's path) and bound prepared ones
    (SQLAlchemy prepares once per connection and statement, then binds)."""
    sent: list[str] = []
    execute = asyncpg.Connection.execute
    execute_with_args = asyncpg.Connection._execute
    bind_execute = asyncpg.prepared_stmt.PreparedStatement._PreparedStatement__bind_execute

    async def counted_execute(self, query, *args, **kwargs):
        if not args:  # with arguments, execute() goes through _execute, counted there
            sent.append(query.split()[0].upper().rstrip(";"))
        return await execute(self, query, *args, **kwargs)

    async def counted_execute_with_args(self, query, *args, **kwargs):
        sent.append(query.split()[0].upper())
        return await execute_with_args(self, query, *args, **kwargs)

    async def counted_bind_execute(self, *args, **kwargs):
        sent.append(self.get_query().split()[0].upper())
        return await bind_execute(self, *args, **kwargs)

    monkeypatch.setattr(asyncpg.Connection, "execute", counted_execute)
    monkeypatch.setattr(asyncpg.Connection, "_execute", counted_execute_with_args)
    monkeypatch.setattr(asyncpg.prepared_stmt.PreparedStatement, "_PreparedStatement__bind_execute", counted_bind_execute)
    yield sent


async def test_round_trips_per_request(pg_database, client_factory, auth_header, statements):
    editor = auth_header(sub="alice", roles=["editor"])
    async with client_factory(database_url=pg_database) as client:
        statements.clear()
        created = await client.post("/items", json={"name": "lamp", "price": "5.00"}, headers=editor)
        assert created.status_code == 201
        assert created.json()["created_at"] and created.json()["id"] > 0
        assert statements == ["INSERT"]

        statements.clear()
        read = await client.get(f"/items/{created.json()['id']}", headers=editor)
        assert (read.status_code, read.headers["x-cache"]) == (200, "miss")
        assert statements == ["SELECT"]

        statements.clear()
        assert (await client.get("/items", headers=editor)).status_code == 200
        assert statements == ["SELECT"]

        statements.clear()
        updated = await client.patch(f"/items/{created.json()['id']}", json={"name": "bulb"}, headers=editor)
        assert updated.status_code == 200
        assert updated.json()["name"] == "bulb"
        assert updated.json()["updated_at"] >= created.json()["updated_at"]
        assert statements == ["BEGIN", "SELECT", "UPDATE", "COMMIT"]


async def test_a_returned_connection_goes_to_the_first_waiter(pg_database, settings_factory):
    """One connection, waiters queued for it: a request that gives it back and asks again at once
    (as a new request arriving at that moment does) queues behind them instead of overtaking."""
    from app.core.db import Database

    db = Database(settings_factory(database_url=pg_database, db_pool_size=1, db_max_overflow=0))
    order: list[str] = []
    held = asyncio.Event()

    async def use(name: str) -> None:
        async with db.session() as session:
            await session.connection()
            order.append(name)
            held.set()
            await asyncio.sleep(0.05)

    async def use_twice() -> None:
        await use("first")
        await use("again")

    try:
        holder = asyncio.create_task(use_twice())
        await held.wait()  # "first" holds the connection (connected); now the waiters queue in order
        waiters = []
        for n in range(5):
            waiters.append(asyncio.create_task(use(f"w{n}")))
            await asyncio.sleep(0.001)
        await asyncio.gather(holder, *waiters)
    finally:
        await db.dispose()
    assert order == ["first", "w0", "w1", "w2", "w3", "w4", "again"]


async def test_reads_of_one_loop_iteration_are_one_statement(pg_database, client_factory, auth_header, statements):
    """Concurrent reads by id (a batch of one event-loop iteration) are one `id = ANY($1)` SELECT; each
    request gets its own item, a missing id None, and the same id twice the same item."""
    from app.api.services import services
    from app.items.store import ItemStore

    editor = auth_header(sub="alice", roles=["editor"])
    async with client_factory(database_url=pg_database) as client:
        ids = []
        for name in ("a", "b"):
            created = await client.post("/items", json={"name": name, "price": "1.00"}, headers=editor)
            ids.append(created.json()["id"])
        store = services(client.app).get(ItemStore)
        statements.clear()
        found = await asyncio.gather(store.get(ids[0]), store.get(ids[1]), store.get(ids[1] + 1000), store.get(ids[0]))
        assert statements == ["SELECT"]
        assert [item.name if item else None for item in found] == ["a", "b", None, "a"]

        statements.clear()
        assert (await store.get(ids[1])).name == "b"  # alone: a batch of one
        assert statements == ["SELECT"]
