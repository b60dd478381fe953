"""`platformctl dev` on the real skeleton in its real environment: it starts the API and the worker,
/healthz answers, a change under app/ reloads both, and Ctrl-C stops everything with nothing left."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from platformctl.paths import skeleton_dir
from tests.core.dev_fixtures import descendants, free_port, running, wait_for

# scripts/test.sh exports SERVICE_PYTHON (the skeleton's own .venv, made before platformctl's suite runs).
SERVICE_PYTHON = Path(os.environ.get("SERVICE_PYTHON") or skeleton_dir() / ".venv" / "bin" / "python")
NOT_COPIED = shutil.ignore_patterns(
    ".venv", ".local", "__pycache__", "*.pyc", "*.egg-info", ".pytest_cache", ".mypy_cache", ".ruff_cache", "local.db*", "*.pem", ".env"
)


def _get(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=2) as response:
        return int(response.status)


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to prove nothing is left running")
def test_dev_serves_the_skeleton_reloads_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    if not SERVICE_PYTHON.is_file():
        pytest.skip(f"no service environment at {SERVICE_PYTHON}: run `make install` in service-skeleton/ or set SERVICE_PYTHON")
    service = tmp_path / "svc"
    shutil.copytree(skeleton_dir(), service, ignore=NOT_COPIED)
    port = free_port()
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    # The dev issuer's key goes under the temp dir: keep it inside this test's folder.
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    argv = [sys.executable, "-m", "platformctl", "dev", "--dir", str(service), "--port", str(port), "--python", str(SERVICE_PYTHON)]
    with out.open("w") as stdout, err.open("w") as stderr:
        dev = subprocess.Popen(argv, stdout=stdout, stderr=stderr, env=env, cwd=tmp_path)
    try:
        assert wait_for(lambda: "Ctrl-C stops everything" in err.read_text() or dev.poll() is not None, timeout=30)
        assert dev.poll() is None, err.read_text() + out.read_text()[-3000:]
        assert _get(f"http://127.0.0.1:{port}/healthz") == 200

        # A change under app/ restarts the API (uvicorn) and the worker (watchfiles).
        def worker_starts() -> int:
            return out.read_text().count("worker_started")

        assert wait_for(lambda: worker_starts() == 1, timeout=10), out.read_text()[-3000:]
        time.sleep(0.3)  # let the watchers settle before the change
        with (service / "app" / "worker.py").open("a") as source:
            source.write("\n# touched by the dev e2e test\n")
        assert wait_for(lambda: worker_starts() >= 2 and "Reloading" in out.read_text(), timeout=15), out.read_text()[-3000:]
        assert wait_for(lambda: _answers(port), timeout=15)

        children = descendants(dev.pid)
        assert len(children) >= 4, children  # uvicorn's reloader and server, watchfiles and the worker
        dev.send_signal(signal.SIGINT)
        # Bounded by design: 10 s of grace, then SIGKILL and at most 5 s of reaping per process; the rest is margin
        # for a loaded 2-core machine (a CI run beside other work once took over 20 s here).
        assert dev.wait(timeout=45) == 130, err.read_text()
    finally:
        if dev.poll() is None:  # pragma: no cover - only when the test already failed
            dev.send_signal(signal.SIGTERM)
            dev.wait(timeout=20)
    assert wait_for(lambda: not [pid for pid in children if running(pid)], timeout=2), [pid for pid in children if running(pid)]
    assert not _answers(port)
    lines = out.read_text().splitlines()
    assert any(line.startswith("api    | ") for line in lines) and any(line.startswith("worker | ") for line in lines)
    assert any("Application shutdown complete" in line for line in lines) and any("worker_stopped" in line for line in lines)
    said = err.read_text()
    assert f"API    http://127.0.0.1:{port}" in said and "-m app.devtoken --roles admin,editor" in said
    assert said.rstrip().endswith("Stopped.")


def _answers(port: int) -> bool:
    try:
        return _get(f"http://127.0.0.1:{port}/healthz") == 200
    except OSError:
        return False
