"""`platformctl dev` as a user meets it: refusals with exit codes, prefixed output, Ctrl-C (on a fake
service; tests/e2e/test_dev.py runs the real skeleton)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.runner import run
from tests.core.dev_fixtures import descendants, free_port, make_service, running, wait_for

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the fake interpreter is a POSIX script")


def test_help_names_the_options(capsys) -> None:
    result = run(capsys, "dev", "--help")
    assert result.code == 0
    for option in ("--dir", "--port", "--python", "--no-reload", "--no-worker", "Ctrl-C"):
        assert option in result.stdout


def test_a_folder_that_is_not_a_service_is_exit_2_with_a_hint(capsys, tmp_path: Path) -> None:
    result = run(capsys, "dev", "--dir", str(tmp_path))
    assert result.code == 2
    assert result.stderr.startswith(f"Error: {tmp_path} has no service.yaml")
    assert "Hint: " in result.stderr and "Traceback" not in result.stderr and result.stdout == ""


def test_no_environment_is_exit_3_naming_the_fix(capsys, tmp_path: Path) -> None:
    service = make_service(tmp_path, venv=False)
    result = run(capsys, "dev", "--dir", str(service))
    assert result.code == 3
    assert "has no .venv" in result.stderr and "make install" in result.stderr


def test_a_port_in_use_is_exit_2(capsys, tmp_path: Path) -> None:
    service = make_service(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run(capsys, "dev", "--dir", str(service), "--port", str(taken.getsockname()[1]))
    assert result.code == 2 and "already in use" in result.stderr and "--port" in result.stderr


def test_a_worker_that_dies_stops_the_api_and_exits_1(capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service = make_service(tmp_path)
    monkeypatch.setenv("FAKE_WORKER_SECONDS", "0.5")
    monkeypatch.setenv("FAKE_WORKER_EXIT", "4")
    result = run(capsys, "dev", "--dir", str(service), "--no-reload")
    assert result.code == 1
    assert "worker | worker up (app.worker)" in result.stdout.splitlines()
    assert "Error: The worker process exited with code 4; api stopped too." in result.stderr
    assert "Hint: Its output above (lines starting `worker |`)" in result.stderr


def test_ctrl_c_stops_both_and_exits_130(tmp_path: Path) -> None:
    port = free_port()
    service = make_service(tmp_path, port=port)
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        dev = subprocess.Popen([sys.executable, "-m", "platformctl", "dev", "--dir", str(service)], stdout=stdout, stderr=stderr)
    try:
        assert wait_for(lambda: "Ctrl-C stops everything" in err.read_text(), timeout=20), err.read_text()
        # Ready means the API answers; the worker starts beside it. Ctrl-C before it has printed its line would
        # interrupt the stand-in outside its handler (a race seen in CI under load), so wait for both lines.
        assert wait_for(lambda: "worker | worker up (watchfiles)" in out.read_text(), timeout=20), out.read_text()
        children = descendants(dev.pid)
        assert len(children) >= 2, children
        started = time.monotonic()
        dev.send_signal(signal.SIGINT)
        assert dev.wait(timeout=15) == 130
        assert time.monotonic() - started < 10
    finally:
        if dev.poll() is None:  # pragma: no cover - only when the test already failed
            dev.kill()
    assert not [pid for pid in children if running(pid)]
    said = err.read_text()
    assert f"API    http://127.0.0.1:{port}" in said and "Token  TOKEN=$(" in said and "make token" in said
    assert said.rstrip().endswith("Stopped.")
    lines = out.read_text().splitlines()
    assert f"api    | listening on {port}" in lines and "worker | worker up (watchfiles)" in lines
    assert "api    | api stopped" in lines and "worker | worker stopped" in lines
