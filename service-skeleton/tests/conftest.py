"""Shared fixtures: real PostgreSQL and Redis servers, a JWKS issuer, settings, apps and clients.

Real-server fixtures skip with the install hint on a developer machine and fail when CI is set.
Every server started here is stopped at the end of the session.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import FastAPI

from app.main import create_app
from app.settings import Settings
from service_testing import (
    AUDIENCE,
    ISSUER,
    SigningKey,
    _wait_for_port,
    find_pg_bin,
    free_port,
    missing_tool,
    running,
)

# ---------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL on 127.0.0.1 for the session: `postgresql+asyncpg://postgres@127.0.0.1:PORT/postgres`."""
    initdb, pg_ctl = find_pg_bin("initdb"), find_pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        missing_tool("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
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
    subprocess.run(
        [*run_as, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(
        [*run_as, pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "server.log"), "-w", "-t", "30", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest_asyncio.fixture
async def pg_database(postgres_url: str) -> AsyncIterator[str]:
    """A fresh, empty database on the session's PostgreSQL; dropped afterwards."""
    import asyncpg

    name = f"t_{uuid.uuid4().hex[:12]}"
    dsn = postgres_url.replace("postgresql+asyncpg", "postgresql")
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


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


def _redis_binary() -> str:
    binary = shutil.which("redis-server")
    if not binary:
        missing_tool("redis-server not found: apt-get install redis-server")
    assert binary is not None
    return binary


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real redis-server on 127.0.0.1 for the session: `redis://127.0.0.1:PORT/0`."""
    server = RedisServer(_redis_binary())
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest_asyncio.fixture
async def redis_clean(redis_url: str) -> str:
    """The session Redis, flushed before the test."""
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(redis_url)
    await client.flushall()
    await client.aclose()
    return redis_url


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A Redis of the test's own, which the test may stop (the shared one must stay up)."""
    server = RedisServer(_redis_binary())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_server_factory() -> Iterator[Callable[..., RedisServer]]:
    """`redis_server_factory("--requirepass", "s3cret")`: a started Redis with extra arguments."""
    servers: list[RedisServer] = []

    def make(*extra_args: str) -> RedisServer:
        server = RedisServer(_redis_binary(), *extra_args)
        server.start()
        servers.append(server)
        return server

    try:
        yield make
    finally:
        for server in servers:
            server.stop()


# ---------------------------------------------------------------- issuer (JWKS) and tokens


class JWKSServer:
    """Serves a mutable JWKS document over real HTTP and counts fetches."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                outer.fetches += 1
                body = json.dumps({"keys": outer.keys}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/.well-known/jwks.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def signing_keys() -> dict[str, SigningKey]:
    return {
        "rsa": SigningKey("test-rsa-1", "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        "ec": SigningKey("test-ec-1", "ES256", ec.generate_private_key(ec.SECP256R1())),
    }


@pytest.fixture(scope="session")
def _jwks_session() -> Iterator[JWKSServer]:
    server = JWKSServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def jwks_server(_jwks_session: JWKSServer, signing_keys: dict[str, SigningKey]) -> JWKSServer:
    """The issuer's JWKS endpoint, reset to the RSA and EC test keys for each test."""
    _jwks_session.keys = [signing_keys["rsa"].jwk(), signing_keys["ec"].jwk()]
    _jwks_session.fetches = 0
    return _jwks_session


TokenFactory = Callable[..., str]


@pytest.fixture
def token_factory(signing_keys: dict[str, SigningKey], jwks_server: JWKSServer) -> TokenFactory:
    """Mint JWTs: `token_factory(sub="alice", roles=["admin"], scopes=[...], key="rsa"|"ec"|SigningKey,
    exp_in=300, nbf_in=None, iss=..., aud=..., claims={...}, headers={...})`."""

    def mint(
        *,
        sub: str = "alice",
        roles: list[str] | None = None,
        scopes: list[str] | None = None,
        key: str | SigningKey = "rsa",
        exp_in: int = 300,
        nbf_in: int | None = None,
        iss: str = ISSUER,
        aud: str = AUDIENCE,
        claims: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
    ) -> str:
        signer = signing_keys[key] if isinstance(key, str) else key
        now = int(time.time())
        payload: dict[str, Any] = {"sub": sub, "iss": iss, "aud": aud, "iat": now, "exp": now + exp_in, "roles": roles or []}
        if nbf_in is not None:
            payload["nbf"] = now + nbf_in
        if scopes:
            payload["scope"] = " ".join(scopes)
        payload.update(claims or {})
        return jwt.encode(payload, signer.private, algorithm=signer.alg, headers={"kid": signer.kid, **(headers or {})})

    return mint


@pytest.fixture
def auth_header(token_factory: TokenFactory) -> Callable[..., dict[str, str]]:
    """`auth_header(roles=["editor"])` -> {"Authorization": "Bearer ..."}."""

    def make(**kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {token_factory(**kwargs)}"}

    return make


# ---------------------------------------------------------------- settings, apps, clients


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings must come from the test, not from the machine's environment."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(f"{name.upper()}_FILE", raising=False)
    for name in ("SECRETS_DIR", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def settings_factory(tmp_path: Path, jwks_server: JWKSServer) -> Callable[..., Settings]:
    """`settings_factory(**overrides)`: test settings on a per-test SQLite file, trusting the test
    issuer, with no optional feature installed unless `features=[...]` is passed."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "environment": "test",
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'test.db'}",
            "jwks_url": jwks_server.url,
            "jwt_issuer": ISSUER,
            "jwt_audience": AUDIENCE,
            "features": [],
            "dev_issuer_key_path": str(tmp_path / "dev-issuer" / "key.pem"),
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def app_factory(settings_factory: Callable[..., Settings]) -> Callable[..., FastAPI]:
    """`app_factory(settings=None, **overrides)`: a new app (lifespan not started; see `client_factory`)."""

    def make(settings: Settings | None = None, **overrides: Any) -> FastAPI:
        return create_app(settings or settings_factory(**overrides))

    return make


@pytest.fixture
def client_factory(app_factory: Callable[..., FastAPI]) -> Callable[..., Any]:
    """`async with client_factory(**overrides) as client:` — app built, lifespan running; `client.app` is the app."""

    @asynccontextmanager
    async def make(app: FastAPI | None = None, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = app or app_factory(**overrides)
        async with running(app) as client:
            client.app = app  # type: ignore[attr-defined]
            yield client

    return make


@pytest_asyncio.fixture
async def client(client_factory: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a default test app (SQLite, no Redis, no optional features)."""
    async with client_factory() as c:
        yield c


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use a real server fixture are integration tests, whatever their file says."""
    servers = {"postgres_url", "pg_database", "redis_url", "redis_clean", "redis_server", "redis_server_factory", "moto_server"}
    for item in items:
        if servers & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
