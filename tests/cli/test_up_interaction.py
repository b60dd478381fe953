"""`up` as a person meets it: the question (production wants its name typed), no terminal, and Ctrl-C through the real signal."""

from __future__ import annotations

import io
import os
import signal
import threading
from pathlib import Path

import pytest

from platformctl.config.settings import Settings
from platformctl.engines.cloud.run_records import FileRunRecords
from platformctl.wiring import Wiring
from tests.cli.runner import run
from tests.core.lifecycle_fakes import FakeClock, FakeEngine


class PulumiHere:
    def which(self, name: str) -> str | None:
        return f"/usr/bin/{name}"

    def run(self, argv):
        return 0, "v3.230.0"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)  # the built-in sample: dev, staging, prod (production)
    engine = FakeEngine()
    records = FileRunRecords(tmp_path / "state")
    wiring = Wiring(settings_factory=lambda: Settings(state_url=f"file://{tmp_path / 'state'}"), runner=PulumiHere(),
                    aws_identity=lambda: "arn:aws:iam::1:user/ci", clock=FakeClock(),
                    lifecycle_engine=lambda: engine, run_records=lambda: records)
    return engine, wiring


def test_without_a_terminal_up_refuses_before_any_preview(capsys, setup) -> None:
    engine, wiring = setup
    result = run(capsys, "up", "--env", "dev", wiring=wiring)
    assert result.code == 2 and "Pass --yes" in result.stderr
    assert engine.calls == [], "nothing previewed or applied"


def test_production_applies_only_when_its_name_is_typed(capsys, setup, monkeypatch) -> None:
    engine, wiring = setup
    engine.changes["network"] = {"create": 12}
    monkeypatch.setattr("sys.stdin", Terminal("staging\n"))
    declined = run(capsys, "up", "--env", "prod", "--layer", "network", wiring=wiring)
    assert declined.code == 1 and "type its name" in declined.stdout + declined.stderr
    assert "Nothing was applied." in declined.stderr and ("up", "network") not in engine.calls
    assert ("preview", "network") in engine.calls

    monkeypatch.setattr("sys.stdin", Terminal("prod\n"))
    applied = run(capsys, "up", "--env", "prod", "--layer", "network", wiring=wiring)
    assert applied.code == 0, applied.stderr
    assert ("up", "network") in engine.calls


def test_other_environments_ask_yes_or_no(capsys, setup, monkeypatch) -> None:
    engine, wiring = setup
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    assert run(capsys, "up", "--env", "dev", "--layer", "identity", wiring=wiring).code == 0
    assert engine.calls == [("preview", "identity"), ("up", "identity")]


def test_ctrl_c_stops_starting_layers_and_exits_130(capsys, setup) -> None:
    engine, wiring = setup

    def press_ctrl_c(_layer) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # the handler runs on the main thread and asks the run to stop
        threading.Event().wait(2.0)  # the main loop notices within a 0.1 s tick while this layer is still in flight

    engine.hooks[("up", "network")] = press_ctrl_c
    # What the process had before: Python's default_int_handler, or SIG_IGN when it was started in the
    # background by a shell without job control (a CI loop run that way failed on assuming the default).
    before = signal.getsignal(signal.SIGINT)
    result = run(capsys, "up", "--env", "dev", "--yes", "--parallel", "1", wiring=wiring)
    assert result.code == 130
    assert "Stopping after the operations in flight (network)" in result.stderr
    assert "[network] succeeded" in result.stderr and "[cluster] cancelled (interrupted)" in result.stderr
    assert engine.calls == [("up", "network")]
    assert signal.getsignal(signal.SIGINT) is before, "the handler is put back"
