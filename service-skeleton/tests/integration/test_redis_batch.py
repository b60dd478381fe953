"""BatchedScript against a real Redis: concurrent calls share one pipeline, each call keeps its own
reply or error, lost scripts are reloaded, a dead or silent Redis fails every waiting caller in
time, and a restart is survived."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest
import redis.asyncio as aioredis
import uvloop
from redis.asyncio.client import Pipeline
from redis.exceptions import RedisError, ResponseError

from app.redis_batch import BatchedScript
from app.redis_store import RedisStore

pytestmark = pytest.mark.integration

INCR_AND_GET = """
local n = redis.call('INCR', KEYS[1])
if ARGV[1] == 'fail' then return redis.error_reply('ERR asked to fail') end
return {n, redis.call('GET', KEYS[1])}
"""


def _client(url: str, timeout: float = 0.25) -> aioredis.Redis:
    return RedisStore(url, timeout=timeout).client  # the service's own pool settings


async def test_concurrent_calls_share_one_pipeline_and_keep_their_replies(redis_clean, monkeypatch):
    client = _client(redis_clean)
    script = BatchedScript(client, INCR_AND_GET)
    pipelines: list[int] = []
    original = Pipeline.execute

    async def counting(self, *args, **kwargs):
        pipelines.append(len(self.command_stack))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "execute", counting)
    try:
        replies = await asyncio.gather(*(script(keys=["n"], args=["ok"]) for _ in range(200)))
        assert sorted(r[0] for r in replies) == list(range(1, 201))  # every INCR counted once
        assert all(r[1] == str(r[0]).encode() for r in replies)  # each caller got its own reply
        assert pipelines == [200, 200]  # NOSCRIPT for all on a new server: loaded once, all resent
        pipelines.clear()
        replies = await asyncio.gather(*(script(keys=["n"], args=["ok"]) for _ in range(200)))
        assert sorted(r[0] for r in replies) == list(range(201, 401))
        assert pipelines == [200]  # one write, one read for all of them
    finally:
        await client.aclose()


async def test_an_error_reply_fails_only_its_own_call(redis_clean):
    client = _client(redis_clean)
    script = BatchedScript(client, INCR_AND_GET)
    try:
        ok, failed, also_ok = await asyncio.gather(
            script(keys=["a"], args=["ok"]),
            script(keys=["b"], args=["fail"]),
            script(keys=["c"], args=["ok"]),
            return_exceptions=True,
        )
        assert ok == [1, b"1"] and also_ok == [1, b"1"]
        assert isinstance(failed, ResponseError) and "asked to fail" in str(failed)
    finally:
        await client.aclose()


async def test_a_flushed_script_cache_is_reloaded_once_for_the_whole_batch(redis_clean):
    client = _client(redis_clean)
    script = BatchedScript(client, INCR_AND_GET)
    try:
        await script(keys=["n"], args=["ok"])
        await client.script_flush()
        replies = await asyncio.gather(*(script(keys=["n"], args=["ok"]) for _ in range(10)))
        assert sorted(r[0] for r in replies) == list(range(2, 12))  # none lost, none counted twice
    finally:
        await client.aclose()


async def test_a_cancelled_caller_does_not_disturb_the_others(redis_clean):
    client = _client(redis_clean)
    script = BatchedScript(client, INCR_AND_GET)
    try:
        doomed = asyncio.ensure_future(script(keys=["n"], args=["ok"]))
        others = [asyncio.ensure_future(script(keys=["n"], args=["ok"])) for _ in range(5)]
        await asyncio.sleep(0)
        doomed.cancel()
        replies = await asyncio.gather(*others)
        assert len(replies) == 5 and all(isinstance(r[0], int) for r in replies)
        assert doomed.cancelled()
    finally:
        await client.aclose()


async def test_connection_refused_fails_every_caller():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = _client(f"redis://127.0.0.1:{port}/0", timeout=0.2)
    script = BatchedScript(client, INCR_AND_GET)
    try:
        results = await asyncio.gather(*(script(keys=["n"], args=["ok"]) for _ in range(5)), return_exceptions=True)
        assert all(isinstance(r, RedisError | OSError) for r in results)
    finally:
        await client.aclose()


async def test_a_silent_server_times_out_every_caller():
    """A server that accepts and never answers (a black-holed network): callers fail, in time."""
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
    script = BatchedScript(client, INCR_AND_GET)
    try:
        started = time.monotonic()
        results = await asyncio.gather(*(script(keys=["n"], args=["ok"]) for _ in range(5)), return_exceptions=True)
        assert all(isinstance(r, RedisError | OSError) for r in results), results
        assert time.monotonic() - started < 3  # the socket timeout bounds it, retries included
    finally:
        await client.aclose()
        stop.set()
        thread.join()
        listener.close()
        for conn in accepted:
            conn.close()


async def test_a_redis_restart_is_survived(redis_server):
    client = _client(redis_server.url)
    script = BatchedScript(client, INCR_AND_GET)
    try:
        assert await script(keys=["n"], args=["ok"]) == [1, b"1"]
        redis_server.stop()
        with pytest.raises((RedisError, OSError)):
            await script(keys=["n"], args=["ok"])
        redis_server.start()  # a new server: empty data, empty script cache
        assert await script(keys=["n"], args=["ok"]) == [1, b"1"]
    finally:
        await client.aclose()


def test_works_on_uvloop(redis_url):
    """uvicorn runs on uvloop."""

    async def main() -> list:
        client = _client(redis_url)
        script = BatchedScript(client, INCR_AND_GET)
        try:
            return await asyncio.gather(*(script(keys=["uvloop"], args=["ok"]) for _ in range(50)))
        finally:
            await client.delete("uvloop")
            await client.aclose()

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        assert sorted(r[0] for r in runner.run(main())) == list(range(1, 51))
