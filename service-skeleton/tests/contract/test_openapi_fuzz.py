"""schemathesis against the service's own OpenAPI document: a real uvicorn on 127.0.0.1 over real
PostgreSQL and Redis, called with a valid token, every default check, a bounded number of examples
per operation. Whatever the document promises (statuses, content types, schemas, what it accepts
and refuses) the service must do."""

from __future__ import annotations

import asyncio
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy.engine import make_url

from service_testing import free_port

pytestmark = pytest.mark.integration

# Hypothesis keeps caches in ./.hypothesis: outside the service's tree (new-service copies it).
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="hypothesis-"))

ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]  # schemathesis' defaults
# A cursor is opaque and signed: one the fuzzer makes up is well-formed and still not ours (400,
# as documented). Only that operation may refuse a schema-valid request with 400.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-path": "/items",
                "include-method": "GET",
                "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
            }
        ]
    }
)

EXAMPLES_PER_OPERATION = 25  # bounded: ~40 s for the core operations on this machine class


async def _admin(postgres_url: str, statement: str) -> None:
    dsn = make_url(postgres_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def live_service(
    postgres_url: str, redis_url: str, _jwks_session: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The service under uvicorn in a thread, on a database of its own; yields its base URL."""
    from app.core.settings import Settings
    from app.main import create_app
    from service_testing import AUDIENCE, ISSUER

    name = f"fuzz_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(postgres_url, f'CREATE DATABASE "{name}"'))
    database_url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    jwks = tmp_path_factory.mktemp("jwks")
    app = create_app(
        Settings(
            environment="test",
            database_url=database_url,
            redis_url=redis_url,
            jwks_url=_jwks_session.url,
            jwt_issuer=ISSUER,
            jwt_audience=AUDIENCE,
            features=[],
            rate_limits={"default": "1000000/minute"},
            access_log=False,
            dev_issuer_key_path=str(jwks / "unused.pem"),
        )
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the service did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        asyncio.run(_admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def api_schema(live_service: str) -> Any:
    return schemathesis.openapi.from_url(f"{live_service}/openapi.json", config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
# derandomize: the same examples every run, so a failure is reproducible and the test is not flaky.
@settings(
    max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
def test_the_service_keeps_its_openapi_promises(case: Any, auth_header: Any) -> None:
    case.call_and_validate(headers=auth_header(sub="fuzzer", roles=["admin", "editor"]))
