"""RedisWindows against a real Redis: the requests of one loop iteration share one script call and
keep their own counts and cache entries, a bad key fails only its own request, lost scripts are
reloaded without counting twice, a dead or silent Redis fails every waiting request in time, and a
restart is survived."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest
import redis.asyncio as aioredis
import uvloop
from redis.exceptions import RedisError, ResponseError

from app.core.redis_store import RedisStore
from app.core.redis_windows import RedisWindows

pytestmark = pytest.mark.integration

MINUTE_MS = 60_000


def _client(url: str, timeout: float = 0.25) -> aioredis.Redis:
    client = RedisStore(url, timeout=timeout).client  # the service's own pool settings
    assert client is not None
    return client


@pytest.fixture
def commands(monkeypatch):
    """The names of the commands sent to Redis, in order."""
    sent: list[str] = []
    original = aioredis.Redis.execute_command

    async def counting(self, *args, **kwargs):
        sent.append(str(args[0]))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(aioredis.Redis, "execute_command", counting)
    return sent


async def test_one_script_call_counts_every_request_of_the_iteration(redis_clean, commands):
    client = _client(redis_clean)
    windows = RedisWindows(client)
    await client.set("items:1", b"cached")
    await client.script_flush()  # as on a new server
    commands.clear()
    try:
        replies = await asyncio.gather(*(windows.hit("rl:alice", MINUTE_MS, "items:1") for _ in range(200)))
        assert sorted(count for count, _, _ in replies) == list(range(1, 201))  # each counted once
        assert all(0 < ttl <= MINUTE_MS and cached == b"cached" for _, ttl, cached in replies)
        assert commands == ["EVALSHA", "SCRIPT LOAD", "EVALSHA"]  # NOSCRIPT: loaded once, sent again
        commands.clear()
        mixed = await asyncio.gather(
            windows.hit("rl:alice", MINUTE_MS, "items:1"),
            windows.hit("rl:bob", 1000),
            windows.hit("rl:carol", MINUTE_MS, "items:404"),
        )
        assert commands == ["EVALSHA"]  # one write and one read for all of them
        assert mixed[0][0] == 201 and mixed[0][2] == b"cached"
        assert mixed[1][0] == 1 and 0 < mixed[1][1] <= 1000 and mixed[1][2] is None
        assert mixed[2][0] == 1 and mixed[2][2] is None  # a cache miss
        assert 0 < await client.pttl("rl:bob") <= 1000  # the counter expires with its window
    finally:
        await client.aclose()


async def test_a_key_of_the_wrong_type_fails_only_its_own_request(redis_clean):
    client = _client(redis_clean)
    windows = RedisWindows(client)
    await client.rpush("rl:broken", "x")
    await client.rpush("items:broken", "x")
    try:
        ok, failed, miss = await asyncio.gather(
            windows.hit("rl:alice", MINUTE_MS),
            windows.hit("rl:broken", MINUTE_MS),
            windows.hit("rl:bob", MINUTE_MS, "items:broken"),
            return_exceptions=True,
        )
        assert ok[0] == 1
        assert isinstance(failed, ResponseError) and "rl:broken" in str(failed)
        assert miss[0] == 1 and miss[2] is None  # a cache entry it cannot read is a miss
    finally:
        await client.aclose()


async def test_a_flushed_script_cache_is_reloaded_without_counting_twice(redis_clean):
    client = _client(redis_clean)
    windows = RedisWindows(client)
    try:
        await windows.hit("rl:alice", MINUTE_MS)
        await client.script_flush()
        replies = await asyncio.gather(*(windows.hit("rl:alice", MINUTE_MS) for _ in range(10)))
        assert sorted(count for count, _, _ in replies) == list(range(2, 12))
    finally:
        await client.aclose()


async def test_a_cancelled_request_does_not_disturb_the_others(redis_clean):
    client = _client(redis_clean)
    windows = RedisWindows(client)
    try:
        doomed = asyncio.ensure_future(windows.hit("rl:alice", MINUTE_MS))
        others = [asyncio.ensure_future(windows.hit("rl:alice", MINUTE_MS)) for _ in range(5)]
        await asyncio.sleep(0)
        doomed.cancel()
        replies = await asyncio.gather(*others)
        assert len(replies) == 5 and all(count >= 1 for count, _, _ in replies)
        assert doomed.cancelled()
    finally:
        await client.aclose()


async def test_connection_refused_fails_every_request():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = _client(f"redis://127.0.0.1:{port}/0", timeout=0.2)
    windows = RedisWindows(client)
    try:
        results = await asyncio.gather(*(windows.hit("rl:alice", MINUTE_MS) for _ in range(5)), return_exceptions=True)
        assert all(isinstance(r, RedisError | OSError) for r in results), results
    finally:
        await client.aclose()


async def test_a_silent_server_times_out_every_request():
    """A server that accepts and never answers (a black-holed network): requests fail, in time."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    client = _client(f"redis://127.0.0.1:{listener.getsockname()[1]}/0", timeout=0.2)
    windows = RedisWindows(client)
    try:
        started = time.monotonic()
        results = await asyncio.gather(*(windows.hit("rl:alice", MINUTE_MS) for _ in range(5)), return_exceptions=True)
        assert all(isinstance(r, RedisError | OSError) for r in results), results
        assert time.monotonic() - started < 3  # the socket timeout bounds it, redis-py's retries included
    finally:
        await client.aclose()
        stop.set()
        thread.join()
        listener.close()
        for conn in accepted:
            conn.close()


async def test_a_redis_restart_is_survived(redis_server):
    client = _client(redis_server.url)
    windows = RedisWindows(client)
    try:
        assert (await windows.hit("rl:alice", MINUTE_MS))[0] == 1
        redis_server.stop()
        with pytest.raises((RedisError, OSError)):
            await windows.hit("rl:alice", MINUTE_MS)
        redis_server.start()  # a new server: empty data, empty script cache
        assert (await windows.hit("rl:alice", MINUTE_MS))[0] == 1
    finally:
        await client.aclose()


def test_works_on_uvloop(redis_url):
    """uvicorn runs on uvloop."""

    async def main() -> list:
        client = _client(redis_url)
        windows = RedisWindows(client)
        try:
            return await asyncio.gather(*(windows.hit("rl:uvloop", MINUTE_MS) for _ in range(50)))
        finally:
            await client.delete("rl:uvloop")
            await client.aclose()

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        assert sorted(count for count, _, _ in runner.run(main())) == list(range(1, 51))
