"""Fixtures of the optional features: moto in server mode, and the skip-locally / fail-in-CI rule."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from service_testing import running_in_ci

SERVICE_ROOT = Path(__file__).resolve().parents[2]
FEATURE_TESTS = Path(__file__).resolve().parent


def _require(condition: object, reason: str) -> None:
    """Skip with the reason on a developer machine; fail in CI, where every tool must be installed."""
    if condition:
        return
    if running_in_ci():
        pytest.fail(f"{reason} (CI is set: nothing may be skipped)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


FEATURE_ENV_PREFIXES = ("JOBS_", "NOTIFY_", "INTEGRATIONS_", "SEARCH_")


@pytest.fixture(autouse=True)
def _isolated_feature_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Feature settings come from the test, never from the machine's environment."""
    for name in list(os.environ):
        if name.startswith(FEATURE_ENV_PREFIXES):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A real moto server on loopback for the whole session; yields its endpoint URL."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:  # pragma: no cover - depends on the environment
        _require(False, "moto[server] is not installed: pip install 'moto[server]'")
        return
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point boto3 at a freshly reset moto server with dummy credentials; returns the endpoint."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"), timeout=5).read()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return moto_server


def subprocess_env(*extra_paths: str, **extra: str) -> dict[str, str]:
    """Environment for a child process of the service (worker, API): the service importable, plus
    `extra_paths` (folders under tests/features, e.g. "jobs" for its test handlers)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith((*FEATURE_ENV_PREFIXES, "PYTEST_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(SERVICE_ROOT), *(str(FEATURE_TESTS / d) for d in extra_paths)])
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("ENVIRONMENT", "test")
    env["LOG_JSON"] = "true"
    env.update(extra)
    return env


@pytest.fixture
def require() -> Callable[[object, str], None]:
    """`require(condition, reason)`: skip locally, fail in CI (where every tool must be there)."""
    return _require


@pytest.fixture
def service_env() -> Callable[..., dict[str, str]]:
    """`service_env("jobs", ENVIRONMENT="test", ...)`: the environment for a service subprocess."""
    return subprocess_env


@pytest.fixture(scope="session")
def python() -> str:
    return sys.executable
