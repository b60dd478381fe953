"""A write during a Redis outage must not leave the cache serving what the database no longer
holds. Redis sits behind a TCP proxy the test can cut: while cut, bytes are swallowed (a network
partition, or a paused Redis), so the write's cache delete is lost for certain, not merely late."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from app.api.services import services

pytestmark = pytest.mark.integration


class CuttableProxy:
    """Forwards 127.0.0.1:port to Redis; while `cut`, data in both directions is dropped."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.cut = False
        self.server: asyncio.Server | None = None
        self.port = 0
        self.tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.CancelledError):
            while data := await reader.read(65536):
                if not self.cut:
                    writer.write(data)
                    await writer.drain()
        writer.close()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        redis_reader, redis_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        for task in (
            asyncio.create_task(self._pipe(client_reader, redis_writer)),
            asyncio.create_task(self._pipe(redis_reader, client_writer)),
        ):
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def close(self) -> None:
        assert self.server is not None
        self.server.close()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.server.wait_closed()


@pytest.fixture
async def proxy(redis_server) -> AsyncIterator[CuttableProxy]:
    proxy = CuttableProxy(redis_server.port)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()


@pytest.mark.parametrize("write", ["patch", "delete"])
async def test_a_write_during_a_redis_outage_leaves_no_stale_cache(proxy, client_factory, auth_header, write):
    editor = auth_header(sub="alice", roles=["editor"])
    async with client_factory(redis_url=proxy.url, redis_retry_after_seconds=0) as client:
        item = (await client.post("/items", json={"name": "lamp", "price": "5.00"}, headers=editor)).json()
        url = f"/items/{item['id']}"
        await client.get(url, headers=editor)
        cached = await client.get(url, headers=editor)
        assert (cached.headers["x-cache"], cached.json()["name"]) == ("hit", "lamp")

        proxy.cut = True
        if write == "patch":
            assert (await client.patch(url, json={"name": "bulb"}, headers=editor)).status_code == 200
        else:
            assert (await client.delete(url, headers=editor)).status_code == 204
        proxy.cut = False

        after = await client.get(url, headers=editor)
        if write == "patch":
            assert (after.status_code, after.json()["name"]) == (200, "bulb")
        else:
            assert after.status_code == 404
        # The lost delete was retried: the cache is back in use and holds the new state.
        if write == "patch":
            again = await client.get(url, headers=editor)
            assert (again.headers["x-cache"], again.json()["name"]) == ("hit", "bulb")
        assert not services(client.app).redis_store.unflushed
