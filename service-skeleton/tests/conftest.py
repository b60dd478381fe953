"""Shared fixtures: real PostgreSQL and Redis servers, a JWKS issuer, settings, apps and clients.

PostgreSQL and Redis are those of TEST_POSTGRES_URL / TEST_REDIS_URL when set, else started here
(see service_testing.py). Real-server fixtures skip with the install hint on a developer machine and
fail when CI is set. Every server started here is stopped at the end of the session.
"""

from __future__ import annotations

import json
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
from sqlalchemy.engine import make_url

from app.core.settings import Settings
from app.main import create_app
from service_testing import AUDIENCE, ISSUER, RedisServer, SigningKey, postgres_server, redis_binary, redis_server_url, running

# ---------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL for the session: `TEST_POSTGRES_URL` when set, else one started on 127.0.0.1
    (`postgresql+asyncpg://postgres@127.0.0.1:PORT/postgres`)."""
    with postgres_server() as url:
        yield url


@pytest_asyncio.fixture
async def pg_database(postgres_url: str) -> AsyncIterator[str]:
    """A fresh, empty database on the session's PostgreSQL; dropped afterwards."""
    import asyncpg

    name = f"t_{uuid.uuid4().hex[:12]}"
    server = make_url(postgres_url)
    dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    yield server.set(database=name).render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


# ---------------------------------------------------------------- Redis


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis for the session: `TEST_REDIS_URL` when set, else a redis-server on 127.0.0.1
    (`redis://127.0.0.1:PORT/0`)."""
    with redis_server_url() as url:
        yield url


@pytest_asyncio.fixture
async def redis_clean(redis_url: str) -> str:
    """The session Redis, its database flushed before the test (only that one: a shared server's
    other databases are left alone)."""
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(redis_url)
    await client.flushdb()
    await client.aclose()
    return redis_url


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A Redis of the test's own, which the test may stop (the shared one must stay up): always
    started from the installed binary, whatever TEST_REDIS_URL says."""
    server = RedisServer(redis_binary())
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
        server = RedisServer(redis_binary(), *extra_args)
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
