"""The process supervisor behind `dev`, with tiny Python children: output, exits, stops, timeouts."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from platformctl.core.supervisor import Event, Outcome, ProcessOutput, ProcessSpec, ProcessStopped, Ready, Stopping, Supervisor
from tests.core.dev_fixtures import running

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process groups and signals are POSIX")

# A child that says it is up, then waits to be stopped; SIGINT and SIGTERM both end it.
SERVE = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))\n"
    "print('up', flush=True)\n"
    "try:\n    time.sleep(60)\nexcept KeyboardInterrupt:\n    print('bye', flush=True)\n"
)
# A child that ignores both: only SIGKILL ends it.
STUBBORN = (
    "import signal, time\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "print('up', flush=True)\ntime.sleep(60)\n"
)
# A leader that starts a grandchild ignoring signals (as a reloader starts a server), prints its pid, then stops on a signal.
LEADER = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "signal.signal(signal.SIGTERM, signal.SIG_IGN); print(\\'ignoring\\', flush=True); time.sleep(60)'])\n"
    "print('grandchild', child.pid, flush=True)\nprint('up', flush=True)\n"
    "try:\n    time.sleep(60)\nexcept KeyboardInterrupt:\n    pass\n"
)


def spec(name: str, code: str, tmp_path: Path) -> ProcessSpec:
    return ProcessSpec(name, (sys.executable, "-c", code), tmp_path, dict(os.environ))


class Recorder:
    """Collects events; `up(n)` is a readiness check: n children have printed 'up'."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.on_ready = lambda: None

    def __call__(self, event: Event) -> None:
        self.events.append(event)
        if isinstance(event, Ready):
            self.on_ready()

    def lines(self, name: str) -> list[str]:
        return [e.line for e in self.events if isinstance(e, ProcessOutput) and e.name == name]

    def up(self, count: int):
        return lambda: sum(1 for e in self.events if isinstance(e, ProcessOutput) and e.line == "up") >= count

    def stopped(self) -> dict[str, ProcessStopped]:
        return {e.name: e for e in self.events if isinstance(e, ProcessStopped)}


def test_streams_each_childs_output_and_stops_all_on_request(tmp_path: Path) -> None:
    events = Recorder()
    sup = Supervisor([spec("api", SERVE, tmp_path), spec("worker", SERVE, tmp_path)], events, grace_seconds=5)
    events.on_ready = lambda: sup.request_stop(signal.SIGINT)
    started = time.monotonic()
    outcome = sup.run(ready=events.up(2), ready_timeout=20)
    assert outcome == Outcome("signal", signal=signal.SIGINT)
    assert events.lines("api") == ["up", "bye"] and events.lines("worker") == ["up", "bye"]
    stopped = events.stopped()
    assert {name: (e.returncode, e.killed) for name, e in stopped.items()} == {"api": (0, False), "worker": (0, False)}
    assert [e for e in events.events if isinstance(e, Stopping)] == [Stopping("interrupted", signal.SIGINT, 5)]
    assert time.monotonic() - started < 10


def test_a_child_that_exits_stops_the_others_and_says_so(tmp_path: Path) -> None:
    events = Recorder()
    crash = "import sys, time\ntime.sleep(0.3)\nprint('boom', flush=True)\nsys.exit(3)\n"
    sup = Supervisor([spec("api", SERVE, tmp_path), spec("worker", crash, tmp_path)], events, grace_seconds=5)
    outcome = sup.run(ready=events.up(1), ready_timeout=20)
    assert (outcome.reason, outcome.process, outcome.returncode) == ("exited", "worker", 3)
    # Its last words come before the news of its exit, and the others stop after it.
    worker_events = [e for e in events.events if getattr(e, "name", None) == "worker"]
    assert worker_events[-2:] == [ProcessOutput("worker", "boom"), ProcessStopped("worker", 3, False)]
    assert events.stopped()["api"].returncode in (0, -signal.SIGTERM)  # -15 if stopped before its handler was set
    assert isinstance(events.events[-1], ProcessStopped)


def test_a_child_ignoring_signals_is_killed_after_the_grace_period(tmp_path: Path) -> None:
    events = Recorder()
    sup = Supervisor([spec("stubborn", STUBBORN, tmp_path)], events, grace_seconds=0.5)
    events.on_ready = lambda: sup.request_stop(signal.SIGTERM)
    started = time.monotonic()
    outcome = sup.run(ready=events.up(1), ready_timeout=20)
    assert outcome.reason == "signal" and outcome.killed == ("stubborn",)
    assert events.stopped()["stubborn"] == ProcessStopped("stubborn", -signal.SIGKILL, True)
    assert time.monotonic() - started < 8


def test_a_second_request_kills_at_once(tmp_path: Path) -> None:
    events = Recorder()
    sup = Supervisor([spec("stubborn", STUBBORN, tmp_path)], events, grace_seconds=60)

    def twice() -> None:
        sup.request_stop(signal.SIGINT)
        sup.request_stop(signal.SIGINT)

    events.on_ready = twice
    started = time.monotonic()
    outcome = sup.run(ready=events.up(1), ready_timeout=20)
    assert outcome.killed == ("stubborn",) and time.monotonic() - started < 10


def test_not_ready_in_time_stops_everything(tmp_path: Path) -> None:
    events = Recorder()
    sup = Supervisor([spec("api", SERVE, tmp_path)], events, grace_seconds=5)
    started = time.monotonic()
    outcome = sup.run(ready=lambda: False, ready_timeout=0.5)
    assert outcome.reason == "not_ready"
    assert 0.5 <= time.monotonic() - started < 8
    assert not any(isinstance(e, Ready) for e in events.events)
    assert events.stopped()["api"].returncode in (0, -signal.SIGTERM)


def test_nothing_outlives_its_leader(tmp_path: Path) -> None:
    """A grandchild that ignores signals (an uncooperative server under a reloader) is killed with its group."""
    events = Recorder()
    sup = Supervisor([spec("api", LEADER, tmp_path)], events, grace_seconds=0.5)
    events.on_ready = lambda: sup.request_stop(signal.SIGINT)
    # Stop only once the grandchild ignores signals: a SIGINT before its handlers are set would end it by itself
    # (seen once under load), and the test is about the one that cannot be stopped but by SIGKILL.
    up = events.up(1)
    outcome = sup.run(ready=lambda: up() and "ignoring" in events.lines("api"), ready_timeout=20)
    grandchild = int(next(line for line in events.lines("api") if line.startswith("grandchild")).split()[1])
    assert outcome.killed == ("api",)  # the leader left on SIGINT, its child had to be killed
    deadline = time.monotonic() + 5
    while running(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(grandchild)


def test_sigint_to_the_supervisor_is_forwarded_and_handlers_are_restored(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGINT)
    events = Recorder()
    sup = Supervisor([spec("api", SERVE, tmp_path)], events, grace_seconds=5)
    # Sent from inside the run, so the supervisor's handler is in place when it arrives.
    events.on_ready = lambda: os.kill(os.getpid(), signal.SIGINT)
    outcome = sup.run(ready=events.up(1), ready_timeout=20)
    assert outcome.reason == "signal" and outcome.signal == signal.SIGINT
    assert events.lines("api") == ["up", "bye"]
    assert signal.getsignal(signal.SIGINT) is before


def test_a_failing_callback_still_stops_the_children(tmp_path: Path) -> None:
    pids: list[int] = []

    def on_event(event: Event) -> None:
        if isinstance(event, ProcessOutput):
            raise BrokenPipeError("stdout closed")
        if hasattr(event, "pid"):
            pids.append(event.pid)  # type: ignore[union-attr]

    sup = Supervisor([spec("api", SERVE, tmp_path)], on_event, grace_seconds=5)
    with pytest.raises(BrokenPipeError):
        sup.run(ready=lambda: False, ready_timeout=20)
    assert pids and not running(pids[0])


def test_a_command_that_cannot_start_raises_after_stopping_the_others(tmp_path: Path) -> None:
    events = Recorder()
    missing = ProcessSpec("worker", (str(tmp_path / "no-such-python"),), tmp_path, dict(os.environ))
    sup = Supervisor([spec("api", SERVE, tmp_path), missing], events, grace_seconds=5)
    with pytest.raises(FileNotFoundError):
        sup.run(ready=lambda: False, ready_timeout=20)
    assert "api" in events.stopped()


def test_sighup_is_passed_on_as_sigterm(tmp_path: Path) -> None:
    events = Recorder()
    sup = Supervisor([spec("api", SERVE, tmp_path)], events, grace_seconds=5)
    events.on_ready = lambda: sup.request_stop(signal.SIGHUP)
    outcome = sup.run(ready=events.up(1), ready_timeout=20)
    assert outcome.signal == signal.SIGHUP and outcome.killed == ()
    assert events.stopped()["api"].returncode == 0  # SERVE exits 0 on SIGTERM; SIGHUP would have killed it
    assert Stopping("interrupted", signal.SIGTERM, 5) in events.events
