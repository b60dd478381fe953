"""The server helpers behind the fixtures: TEST_POSTGRES_URL / TEST_REDIS_URL name a server that is
used as it is (nothing started), an unset variable starts and stops a server of our own, and a named
server that does not answer fails instead of skipping."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import tempfile
from pathlib import Path

import asyncpg
import pytest
import redis

from service_testing import TEST_POSTGRES_URL, TEST_REDIS_URL, asyncpg_url, postgres_server, redis_server_url, running_in_ci


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def nothing_may_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """Starting any process (redis-server, initdb, pg_ctl) fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a process was started: {args[0]!r}")

    monkeypatch.setattr(subprocess, "Popen", refuse)


async def _select_one(url: str) -> int:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        return int(await conn.fetchval("SELECT 1"))
    finally:
        await conn.close()


# ---------------------------------------------------------------- Redis


def test_redis_of_the_variable_is_used_as_it_is(redis_server, monkeypatch, nothing_may_start):
    """Someone else's Redis (here one this test started), database 5 of it."""
    monkeypatch.setenv(TEST_REDIS_URL, f"redis://127.0.0.1:{redis_server.port}/5")
    with redis_server_url() as url:
        assert url == f"redis://127.0.0.1:{redis_server.port}/5"
        client = redis.Redis.from_url(url)
        client.set("fixture-check", "yes")
        client.close()
    direct = redis.Redis(port=redis_server.port, db=5)
    assert direct.get("fixture-check") == b"yes"
    direct.close()


@pytest.mark.integration
def test_without_the_variable_a_redis_server_is_started_and_stopped(monkeypatch):
    monkeypatch.delenv(TEST_REDIS_URL, raising=False)
    with redis_server_url() as url:
        client = redis.Redis.from_url(url)
        assert client.ping()
        client.close()
        port = int(url.rsplit(":", 1)[1].split("/")[0])
    assert not _answers(port)


def test_a_redis_of_the_variable_that_does_not_answer_fails(monkeypatch):
    monkeypatch.setenv(TEST_REDIS_URL, f"redis://:s3cret@127.0.0.1:{_closed_port()}/0")
    with pytest.raises(pytest.fail.Exception, match=TEST_REDIS_URL) as failed, redis_server_url():
        pass
    assert "s3cret" not in str(failed.value)


# ---------------------------------------------------------------- PostgreSQL


def test_postgres_urls_become_asyncpg_urls():
    assert asyncpg_url("postgres://app:pw@db:5433/app") == "postgresql+asyncpg://app:pw@db:5433/app"
    assert asyncpg_url("postgresql://app@db/app?ssl=require") == "postgresql+asyncpg://app@db/app?ssl=require"
    assert asyncpg_url("postgresql+asyncpg://app@db/app") == "postgresql+asyncpg://app@db/app"
    with pytest.raises(ValueError, match=TEST_POSTGRES_URL):
        asyncpg_url("mysql://app@db/app")


def test_postgres_of_the_variable_is_used_as_it_is(postgres_url, monkeypatch, nothing_may_start):
    """Someone else's PostgreSQL (here the session's), given as a plain postgresql:// URL."""
    monkeypatch.setenv(TEST_POSTGRES_URL, postgres_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    with postgres_server() as url:
        assert url == postgres_url
        assert asyncio.run(_select_one(url)) == 1


@pytest.mark.integration
def test_without_the_variable_a_postgres_server_is_started_and_stopped(monkeypatch):
    monkeypatch.delenv(TEST_POSTGRES_URL, raising=False)
    made: list[str] = []
    mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args, **kwargs) -> str:
        made.append(mkdtemp(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", recording_mkdtemp)
    with postgres_server() as url:
        assert url.startswith("postgresql+asyncpg://postgres@127.0.0.1:")
        assert asyncio.run(_select_one(url)) == 1
        port = int(url.rsplit(":", 1)[1].split("/")[0])
    assert not _answers(port)
    assert made and not Path(made[0]).exists()  # its data directory is gone too


def test_a_postgres_of_the_variable_that_does_not_answer_fails(monkeypatch):
    monkeypatch.setenv(TEST_POSTGRES_URL, f"postgresql://app:s3cret@127.0.0.1:{_closed_port()}/app")
    with pytest.raises(pytest.fail.Exception, match=TEST_POSTGRES_URL) as failed, postgres_server():
        pass
    assert "s3cret" not in str(failed.value)


@pytest.mark.parametrize(
    ("value", "on"),
    [(None, False), ("", False), ("0", False), ("false", False), ("False", False), ("true", True), ("1", True), ("yes", True)],
)
def test_ci_is_on_for_any_value_but_empty_zero_or_false(value: str | None, on: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same rule as platformctl's tests/conftest.py: CI=false turns it off, CI=true (any other value) on."""
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert running_in_ci() is on, f"CI={value!r}"
