"""PostgreSQL starting up or shutting down answers every connection with SQLSTATE 57P03
(asyncpg's CannotConnectNowError); that is a 503 + Retry-After, not a 500. A small server that
speaks just enough of the PostgreSQL protocol plays the database in that state, so the error
comes through the real asyncpg and SQLAlchemy."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator

import pytest


def _error_response(sqlstate: str, message: str) -> bytes:
    pairs = ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", sqlstate), (b"M", message))
    fields = b"".join(code + value.encode() + b"\0" for code, value in pairs)
    body = fields + b"\0"
    return b"E" + struct.pack("!I", len(body) + 4) + body


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, sqlstate: str) -> None:
    try:
        while True:
            length = struct.unpack("!I", await reader.readexactly(4))[0]
            payload = await reader.readexactly(length - 4)
            code = struct.unpack("!I", payload[:4])[0]
            if code in (80877103, 80877104):  # SSLRequest, GSSENCRequest: "not here"
                writer.write(b"N")
                await writer.drain()
                continue
            writer.write(_error_response(sqlstate, "the database system is starting up"))
            await writer.drain()
            break
    except asyncio.IncompleteReadError:
        pass
    finally:
        writer.close()


@pytest.fixture
async def starting_postgres() -> AsyncIterator[str]:
    server = await asyncio.start_server(lambda r, w: _answer(r, w, "57P03"), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"postgresql+asyncpg://app:pw@127.0.0.1:{port}/app"
    finally:
        server.close()
        await server.wait_closed()


async def test_cannot_connect_now_is_503_with_retry_after(starting_postgres, client_factory, auth_header):
    async with client_factory(database_url=starting_postgres, db_auto_migrate=False) as client:
        editor = auth_header(sub="alice", roles=["editor"])
        for response in (
            await client.get("/items", headers=editor),
            await client.get("/items/1", headers=editor),
            await client.post("/items", json={"name": "x", "price": "1.00"}, headers=editor),
        ):
            assert response.status_code == 503, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"] == "1"


async def test_every_read_of_a_batch_gets_the_error(starting_postgres, client_factory):
    """Reads by id of one loop iteration share one statement (app/items/store.py): when the database
    refuses it, every one of them fails with the database's error (then each request's 503), none hangs."""
    import asyncpg

    from app.api.services import services
    from app.items.store import ItemStore

    async with client_factory(database_url=starting_postgres, db_auto_migrate=False) as client:
        store = services(client.app).get(ItemStore)
        async with asyncio.timeout(10):
            results = await asyncio.gather(store.get(1), store.get(2), store.get(3), return_exceptions=True)
        assert [type(r) for r in results] == [asyncpg.CannotConnectNowError] * 3
