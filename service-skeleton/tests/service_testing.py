"""Helpers shared by the service's tests (importable: `from service_testing import running`).

Real PostgreSQL and Redis: the servers named by `TEST_POSTGRES_URL` and `TEST_REDIS_URL` when set
(Docker Compose, GitHub Actions service containers), otherwise servers started here from the
installed binaries on free loopback ports and stopped afterwards. A server named by a variable
must answer: an unreachable one fails the tests that need it (it was asked for), where a missing
binary only skips them on a developer machine.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from sqlalchemy.engine import make_url

ISSUER = "https://issuer.test"
AUDIENCE = "service-api"


# ---------------------------------------------------------------- helpers


def running_in_ci() -> bool:
    """CI is on when the CI variable is set to anything but "", "0" or "false" (any case): CI services set
    CI=true, and CI=false turns the rule off on a developer machine. platformctl's tests/conftest.py reads it alike."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


def missing_tool(reason: str) -> None:
    """Skip with the reason locally; under CI=true nothing may be skipped."""
    if running_in_ci():
        pytest.fail(f"{reason} (CI is set: required tools must be installed)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


class SigningKey:
    def __init__(self, kid: str, alg: str, private: Any) -> None:
        self.kid, self.alg, self.private = kid, alg, private

    def jwk(self) -> dict[str, Any]:
        algo = RSAAlgorithm if self.alg.startswith(("RS", "PS")) else ECAlgorithm
        jwk: dict[str, Any] = algo.to_jwk(self.private.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "alg": self.alg, "use": "sig"})
        return jwk


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan and yield an httpx client over ASGI (no sockets)."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


# ---------------------------------------------------------------- servers: PostgreSQL and Redis

TEST_POSTGRES_URL = "TEST_POSTGRES_URL"  # e.g. postgresql+asyncpg://postgres:postgres@127.0.0.1:5432/postgres
TEST_REDIS_URL = "TEST_REDIS_URL"  # e.g. redis://127.0.0.1:6379/0 (tests flush that database)


def _require_reachable(variable: str, url: str, host: str, port: int) -> None:
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as exc:
        shown = make_url(url).render_as_string(hide_password=True) if "postgres" in url else url.split("@")[-1]
        pytest.fail(f"{variable}={shown}: nothing answers on {host}:{port} ({exc}); start that server or unset {variable}")


# ---------------------------------------------------------------- PostgreSQL


def asyncpg_url(url: str) -> str:
    """`postgresql://…` or `postgres://…` as the service's `postgresql+asyncpg://…` URL."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"{TEST_POSTGRES_URL} must be a PostgreSQL URL, not {parsed.drivername}://")
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


@contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL URL (`postgresql+asyncpg://…`): `TEST_POSTGRES_URL`, or a server of our own."""
    external = os.environ.get(TEST_POSTGRES_URL)
    if external:
        url = asyncpg_url(external)
        parsed = make_url(url)
        _require_reachable(TEST_POSTGRES_URL, url, parsed.host or "127.0.0.1", parsed.port or 5432)
        yield url
        return
    initdb, pg_ctl = find_pg_bin("initdb"), find_pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        missing_tool(
            f"PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql, or set {TEST_POSTGRES_URL}"
        )
    assert initdb is not None and pg_ctl is not None
    run_as: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            missing_tool("running as root without a 'postgres' user to run initdb as")
        run_as = ["runuser", "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="service-pg-"))
    data = base / "data"
    if owner is not None:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    port = free_port()
    try:
        subprocess.run(
            [*run_as, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True,
            capture_output=True,
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off -c synchronous_commit=off"
        options += " -c full_page_writes=off"
        subprocess.run(
            [*run_as, pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "server.log"), "-w", "-t", "30", "start"],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if data.exists():
            subprocess.run([*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


# ---------------------------------------------------------------- Redis


class RedisServer:
    """A redis-server process on a free port; `stop()`/`start()` let tests take it down."""

    def __init__(self, binary: str, *extra_args: str) -> None:
        self.binary = binary
        self.extra_args = extra_args
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
                *self.extra_args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


def redis_binary(alternative: str = "") -> str:
    binary = shutil.which("redis-server")
    if not binary:
        missing_tool(f"redis-server not found: apt-get install redis-server{alternative}")
    assert binary is not None
    return binary


@contextmanager
def redis_server_url() -> Iterator[str]:
    """A Redis URL (`redis://…/DB`): `TEST_REDIS_URL`, or a redis-server of our own."""
    external = os.environ.get(TEST_REDIS_URL)
    if external:
        from redis.connection import parse_url

        if not external.startswith(("redis://", "rediss://")):
            raise ValueError(f"{TEST_REDIS_URL} must be a redis:// or rediss:// URL")
        parts = parse_url(external)
        _require_reachable(TEST_REDIS_URL, external, parts.get("host", "127.0.0.1"), parts.get("port", 6379))
        yield external
        return
    server = RedisServer(redis_binary(f", or set {TEST_REDIS_URL}"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
