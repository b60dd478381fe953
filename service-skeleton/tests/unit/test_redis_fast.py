"""The hot-path RESP client: parsing, auto-pipelining, timeouts, reconnects, AUTH/SELECT, uvloop."""

from __future__ import annotations

import asyncio
import socket
import threading

import pytest
import uvloop

from app.redis_fast import _INCOMPLETE, PipelinedRedis, RedisReplyError, RedisUnavailable, encode, parse


def test_encode():
    assert encode("SET", "k", b"v\r\n", 5) == b"*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nv\r\n\r\n$1\r\n5\r\n"


@pytest.mark.parametrize(
    "wire, value",
    [
        (b"+OK\r\n", b"OK"),
        (b":42\r\n", 42),
        (b"$-1\r\n", None),
        (b"$5\r\na\r\nbc\r\n", b"a\r\nbc"),
        (b"*2\r\n:1\r\n$2\r\nhi\r\n", [1, b"hi"]),
        (b"*2\r\n*1\r\n:7\r\n$-1\r\n", [[7], None]),
        (b"*-1\r\n", None),
    ],
)
def test_parse_whole_and_in_every_fragment(wire, value):
    assert parse(wire, 0) == (value, len(wire))
    for cut in range(len(wire)):  # any prefix is incomplete, never a wrong value
        assert parse(wire[:cut], 0)[0] is _INCOMPLETE


def test_parse_error_reply():
    error, end = parse(b"-NOSCRIPT No matching script\r\n", 0)
    assert isinstance(error, RedisReplyError) and str(error).startswith("NOSCRIPT")


async def test_concurrent_requests_share_one_connection(redis_clean):
    client = PipelinedRedis(redis_clean)
    try:
        results = await asyncio.gather(*(client.execute(("INCR", "n"), ("GET", "n")) for _ in range(200)))
        assert sorted(r[0] for r in results) == list(range(1, 201))
        assert all(r[1] == str(r[0]).encode() or int(r[1]) >= r[0] for r in results)
        assert client.round_trips == 200
        error, value = await client.execute(("HGET", "n", "x"), ("GET", "n"))
        assert isinstance(error, RedisReplyError) and "WRONGTYPE" in str(error)
        assert value == b"200"  # an error reply does not disturb the next one
    finally:
        await client.aclose()


async def test_auth_and_select(redis_server_factory):
    server = redis_server_factory("--requirepass", "s3cr3t")
    good = PipelinedRedis(f"redis://:s3cr3t@127.0.0.1:{server.port}/3")
    try:
        await good.execute(("SET", "k", "v"))
        assert await good.execute(("GET", "k")) == [b"v"]
    finally:
        await good.aclose()
    bad = PipelinedRedis(f"redis://:wrong@127.0.0.1:{server.port}/0")
    with pytest.raises(RedisUnavailable, match="refused"):
        await bad.execute(("GET", "k"))


async def test_connection_refused_is_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = PipelinedRedis(f"redis://127.0.0.1:{port}/0", timeout=0.2)
    with pytest.raises(RedisUnavailable):
        await client.execute(("PING",))


async def test_silent_server_times_out_fails_every_waiter_and_reconnects(redis_url):
    """A server that accepts and never answers: everyone waiting fails after the timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
    client = PipelinedRedis(f"redis://127.0.0.1:{listener.getsockname()[1]}/0", timeout=0.2)
    try:
        results = await asyncio.gather(*(client.execute(("PING",)) for _ in range(5)), return_exceptions=True)
        assert all(isinstance(r, RedisUnavailable) for r in results)
        # Point it at a real Redis: the next call opens a fresh connection.
        client.port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
        assert await client.execute(("PING",)) == [b"PONG"]
    finally:
        await client.aclose()
        listener.close()
        for conn in accepted:
            conn.close()


async def test_server_restart_is_survived(redis_server):
    client = PipelinedRedis(redis_server.url)
    try:
        assert await client.execute(("PING",)) == [b"PONG"]
        redis_server.stop()
        with pytest.raises(RedisUnavailable):
            await client.execute(("PING",))
        redis_server.start()
        assert await client.execute(("PING",)) == [b"PONG"]
    finally:
        await client.aclose()


def test_works_on_uvloop(redis_url):
    """uvicorn runs on uvloop, whose transports are not asyncio classes."""

    async def main() -> list:
        client = PipelinedRedis(redis_url)
        try:
            return await asyncio.gather(*(client.execute(("PING",), ("ECHO", "x")) for _ in range(50)))
        finally:
            await client.aclose()

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        assert runner.run(main()) == [[b"PONG", b"x"]] * 50


def test_unsupported_urls():
    assert not PipelinedRedis.supports("unix:///var/run/redis.sock")
    assert PipelinedRedis.supports("rediss://cache.example:6380/0")
    with pytest.raises(ValueError):
        PipelinedRedis("unix:///tmp/redis.sock")
