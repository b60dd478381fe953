"""A developer's first minutes: `platformctl new-service`, then the new service installs and its
own test suite passes there, against real PostgreSQL and Redis (started by its fixtures)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import running_in_ci
from tests.core.dev_fixtures import free_port, wait_for

PLATFORMCTL = Path(sys.executable).parent / "platformctl"


def _run(args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    # CI is passed on: in CI a missing PostgreSQL, Redis or checkov fails the service's suite too.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _generate_install_and_test(tmp_path: Path, name: str, *features: str) -> str:
    made = _run([str(PLATFORMCTL), "new-service", name, "--owner", "team-e2e", *features, "--yes"], tmp_path, 60)
    assert made.returncode == 0, made.stderr
    service = tmp_path / name
    install = _run(["make", "install"], service, 600)  # the README's own first step
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    suite = _run([str(service / ".venv/bin/python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"], service, 600)
    assert suite.returncode == 0, suite.stdout[-6000:] + suite.stderr[-2000:]
    summary = suite.stdout.strip().splitlines()[-1]
    assert " passed" in summary, summary
    if running_in_ci():
        assert "skipped" not in summary, summary
    return summary


def _healthz(port: int) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return int(response.status) == 200
    except OSError:
        return False


@pytest.mark.e2e
@pytest.mark.slow
def test_a_service_with_every_feature_passes_its_own_suite_and_dev_serves_it(tmp_path: Path) -> None:
    summary = _generate_install_and_test(tmp_path, "orders", "--with", "all")
    assert "failed" not in summary and "error" not in summary
    # ...and `platformctl dev` serves it from its own .venv, as the next steps say.
    port = free_port()
    log = tmp_path / "dev.txt"
    with log.open("w") as sink:
        dev = subprocess.Popen(
            [str(PLATFORMCTL), "dev", "--port", str(port)], cwd=tmp_path / "orders", stdout=sink, stderr=subprocess.STDOUT,
            env={**os.environ, "TMPDIR": str(tmp_path)},
        )
    try:
        assert wait_for(lambda: _healthz(port) or dev.poll() is not None, timeout=60), log.read_text()[-3000:]
        assert dev.poll() is None, log.read_text()[-3000:]
        dev.send_signal(signal.SIGINT)
        assert dev.wait(timeout=30) == 130, log.read_text()[-3000:]
    finally:
        if dev.poll() is None:  # only when an assertion above failed
            dev.kill()
            dev.wait(timeout=10)
    assert not _healthz(port)


@pytest.mark.e2e
@pytest.mark.slow
def test_a_service_with_no_optional_feature_passes_its_own_suite(tmp_path: Path) -> None:
    summary = _generate_install_and_test(tmp_path, "ledger", "--with", "none")
    assert "failed" not in summary and "error" not in summary
    assert not (tmp_path / "ledger/app/worker.py").exists()
