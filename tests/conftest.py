"""Shared test isolation: a temporary home, no colour, a fixed width, no AWS settings from the machine."""

from __future__ import annotations

import os

import pytest


def running_in_ci() -> bool:
    """CI is on when the CI variable is set to anything but "", "0" or "false" (any case): CI services set
    CI=true, and CI=false turns the rule off on a developer machine. The skeleton's service_testing.py reads it alike."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


_AWS_VARS = [name for name in os.environ if name.startswith(("AWS_", "PLATFORMCTL_", "PULUMI_", "KUBECONFIG"))]


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TERM", "dumb")
    for name in _AWS_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture(scope="session")
def _moto_server():
    """moto in server mode on loopback, one per session; reset between tests."""
    import socket

    try:
        from moto.server import ThreadedMotoServer
    except ImportError:  # pragma: no cover - dev extra missing
        if running_in_ci():
            pytest.fail("moto[server] is not installed: CI must install the dev extra")
        pytest.skip("moto[server] is not installed: pip install -e '.[dev]'")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def moto_endpoint(_moto_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """AWS_ENDPOINT_URL pointing at a freshly reset moto server, with dummy credentials."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{_moto_server}/moto-api/reset", method="POST"), timeout=5).read()
    monkeypatch.setenv("AWS_ENDPOINT_URL", _moto_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    return _moto_server


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `cloud` (real Pulumi CLI, real AWS) are deselected, not skipped, unless PLATFORMCTL_CLOUD_TESTS=1."""
    if os.environ.get("PLATFORMCTL_CLOUD_TESTS") == "1":
        return
    cloud = [item for item in items if item.get_closest_marker("cloud")]
    if cloud:
        config.hook.pytest_deselected(items=cloud)
        items[:] = [item for item in items if not item.get_closest_marker("cloud")]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI nothing may skip: a skip there means CI failed to install a tool."""
    if not running_in_ci():
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; in CI every tool must be installed, so this fails.", red=True)
        session.exitstatus = 1


@pytest.fixture
def pulumi_standin(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """The stand-in `pulumi` executable first on PATH (tests/engines/cloud/pulumi_standin.py), with a file:// backend."""
    from tests.engines.cloud.standin import install

    return install(tmp_path, monkeypatch)
