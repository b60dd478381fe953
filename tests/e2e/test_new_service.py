"""A developer's first minutes: `platformctl new-service`, then the new service installs and its
own test suite passes there, against real PostgreSQL and Redis (started by its fixtures)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    if os.environ.get("CI"):
        assert "skipped" not in summary, summary
    return summary


@pytest.mark.e2e
@pytest.mark.slow
def test_a_service_with_every_feature_passes_its_own_suite(tmp_path: Path) -> None:
    summary = _generate_install_and_test(tmp_path, "orders", "--with", "all")
    assert "failed" not in summary and "error" not in summary


@pytest.mark.e2e
@pytest.mark.slow
def test_a_service_with_no_optional_feature_passes_its_own_suite(tmp_path: Path) -> None:
    summary = _generate_install_and_test(tmp_path, "ledger", "--with", "none")
    assert "failed" not in summary and "error" not in summary
    assert not (tmp_path / "ledger/app/worker.py").exists()
