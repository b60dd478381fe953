"""Run a few long-lived processes as one: stream their output, wait until they are ready, and stop
them all together, on a signal or as soon as one of them exits. Reports through events; never prints."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal


@dataclass(frozen=True)
class ProcessSpec:
    """One process to run: `name` prefixes its output, `argv` runs with `cwd` and exactly `env`."""

    name: str
    argv: tuple[str, ...]
    cwd: Path
    env: Mapping[str, str]


@dataclass(frozen=True)
class ProcessStarted:
    name: str
    pid: int


@dataclass(frozen=True)
class ProcessOutput:
    """One line a process wrote to stdout or stderr (they share one pipe, so their order holds)."""

    name: str
    line: str


@dataclass(frozen=True)
class Ready:
    """The readiness check passed, `seconds` after the first process started."""

    seconds: float


@dataclass(frozen=True)
class Stopping:
    """Every process is being asked to stop with `signal` (a second request kills them at once)."""

    reason: str
    signal: int
    grace_seconds: float


@dataclass(frozen=True)
class ProcessStopped:
    name: str
    returncode: int | None
    killed: bool  # did not stop within the grace period (or on a second request) and got SIGKILL


Event = ProcessStarted | ProcessOutput | Ready | Stopping | ProcessStopped


@dataclass(frozen=True)
class Outcome:
    """Why the processes stopped. `returncode` belongs to `process` when reason is "exited"."""

    reason: Literal["signal", "exited", "not_ready"]
    signal: int | None = None
    process: str | None = None
    returncode: int | None = None
    killed: tuple[str, ...] = ()


@dataclass
class _Child:
    spec: ProcessSpec
    popen: subprocess.Popen[bytes]
    reader: threading.Thread
    reported: bool = False
    killed: bool = False

    @property
    def pgid(self) -> int:
        return self.popen.pid  # each child leads a session (and process group) of its own


@dataclass
class Supervisor:
    """Starts `specs` in their own process groups and keeps them running until told to stop.

    Each child leads its own session, so a Ctrl-C at the terminal reaches only the supervisor,
    which then signals every group in the same way: a reloader and the server it spawned, or a
    file watcher and its worker, stop together and nothing is left behind.
    """

    specs: Sequence[ProcessSpec]
    on_event: Callable[[Event], None]
    grace_seconds: float = 10.0
    poll_seconds: float = 0.05
    _children: list[_Child] = field(default_factory=list, init=False)
    _lines: queue.SimpleQueue[tuple[str, str]] = field(default_factory=queue.SimpleQueue, init=False)
    _stop_signal: int | None = field(default=None, init=False)
    _force: bool = field(default=False, init=False)
    _quiet: bool = field(default=False, init=False)

    def request_stop(self, signum: int = signal.SIGTERM) -> None:
        """Ask every process to stop (a second call kills them). Safe in a signal handler and from
        another thread: it only assigns, and the run loop looks every `poll_seconds`."""
        if self._stop_signal is None:
            self._stop_signal = signum
        else:
            self._force = True

    def run(
        self,
        *,
        ready: Callable[[], bool] | None = None,
        ready_timeout: float = 60.0,
        ready_interval: float = 0.2,
        handle_signals: bool = True,
    ) -> Outcome:
        """Start every process and supervise them until a stop request, a signal, an exit, or
        `ready` not passing within `ready_timeout`; then stop them all (bounded) and say why.

        With `handle_signals` (and on the main thread), SIGINT, SIGTERM and SIGHUP become stop
        requests for the duration of the run.

        Raises:
            OSError: a process could not be started (those already started are stopped first).
        """
        restore = _install_handlers(self.request_stop) if handle_signals else {}
        outcome: Outcome | None = None
        try:
            for spec in self.specs:
                self._start(spec)
            outcome = self._supervise(ready, ready_timeout, ready_interval)
        finally:
            if outcome is None:  # an exception (a failed start, a broken callback): clean up quietly
                self._quiet = True
                self._stop(self._stop_signal or signal.SIGTERM, "platformctl failed")
            for signum, handler in restore.items():
                signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        return outcome

    def _start(self, spec: ProcessSpec) -> None:
        popen = subprocess.Popen(
            list(spec.argv),
            cwd=spec.cwd,
            env=dict(spec.env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        assert popen.stdout is not None
        reader = threading.Thread(target=_pump, args=(spec.name, popen.stdout, self._lines), daemon=True)
        reader.start()
        self._children.append(_Child(spec, popen, reader))
        self._emit(ProcessStarted(spec.name, popen.pid))

    def _supervise(self, ready: Callable[[], bool] | None, ready_timeout: float, ready_interval: float) -> Outcome:
        started = time.monotonic()
        next_check = started
        while True:
            self._drain(wait=self.poll_seconds)
            if self._stop_signal is not None:
                signum = self._stop_signal
                # Ctrl-C is passed on as Ctrl-C; SIGTERM and SIGHUP as SIGTERM, which every server
                # treats as "shut down gracefully" (SIGHUP would kill a Python process outright).
                forward = signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM
                return self._stop(forward, "interrupted", Outcome("signal", signal=signum))
            for child in self._children:
                code = child.popen.poll()
                if code is not None:
                    self._report(child)
                    return self._stop(signal.SIGTERM, f"{child.spec.name} exited", Outcome("exited", process=child.spec.name, returncode=code))
            now = time.monotonic()
            if ready is not None and now >= next_check:
                if ready():
                    ready = None
                    self._emit(Ready(round(time.monotonic() - started, 1)))
                elif now - started > ready_timeout:
                    return self._stop(signal.SIGTERM, "not ready", Outcome("not_ready"))
                next_check = now + ready_interval

    def _stop(self, signum: int, reason: str, outcome: Outcome | None = None) -> Outcome:
        self._emit(Stopping(reason, signum, self.grace_seconds))
        for child in self._children:
            _signal_group(child.pgid, signum)
        deadline = time.monotonic() + self.grace_seconds
        while not self._force and time.monotonic() < deadline and _live_groups([c.pgid for c in self._children]):
            self._drain(wait=self.poll_seconds)
            self._reap()
        survivors = _live_groups([c.pgid for c in self._children])
        for child in self._children:
            if child.pgid in survivors:
                # The leader, or something it started that outlived it (a reloader's server).
                child.killed = True
                _signal_group(child.pgid, signal.SIGKILL)
        for child in self._children:
            with contextlib.suppress(subprocess.TimeoutExpired):  # SIGKILL cannot be refused: only a hung kernel
                child.popen.wait(timeout=5)
            child.reader.join(timeout=2)  # the pipe closes once every holder is gone
        self._drain(wait=0)
        self._reap()
        result = outcome or Outcome("signal", signal=signum)
        killed = tuple(c.spec.name for c in self._children if c.killed)
        return Outcome(result.reason, result.signal, result.process, result.returncode, killed)

    def _reap(self) -> None:
        for child in self._children:
            if child.popen.poll() is not None:
                self._report(child)

    def _report(self, child: _Child) -> None:
        if not child.reported:
            child.reader.join(timeout=0.5)  # its last words come before the news of its exit
            self._drain(wait=0)
            child.reported = True
            self._emit(ProcessStopped(child.spec.name, child.popen.returncode, child.killed))

    def _drain(self, *, wait: float) -> None:
        try:
            name, line = self._lines.get(timeout=wait) if wait > 0 else self._lines.get_nowait()
        except queue.Empty:
            return
        self._emit(ProcessOutput(name, line))
        while True:
            try:
                name, line = self._lines.get_nowait()
            except queue.Empty:
                return
            self._emit(ProcessOutput(name, line))

    def _emit(self, event: Event) -> None:
        if not self._quiet:
            self.on_event(event)
            return
        with contextlib.suppress(Exception):  # already failing: stopping the children comes first
            self.on_event(event)


def _pump(name: str, stream: object, lines: queue.SimpleQueue[tuple[str, str]]) -> None:
    for raw in iter(stream.readline, b""):  # type: ignore[attr-defined]
        lines.put((name, raw.decode("utf-8", errors="replace").rstrip("\r\n")))
    stream.close()  # type: ignore[attr-defined]


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
        os.killpg(pgid, signum)


def _live_groups(pgids: list[int]) -> set[int]:
    """The groups among `pgids` that still have a running member. Zombies do not count: where
    PID 1 does not reap orphans (some containers), they would otherwise keep a group "alive"."""
    wanted = set(pgids)
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():  # not Linux: ask the kernel, zombies included
        return {pgid for pgid in wanted if _group_exists(pgid)}
    live: set[int] = set()
    for entry in os.scandir(proc):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()  # the command name may hold spaces and parentheses
        if fields[0] not in ("Z", "X") and int(fields[2]) in wanted:
            live.add(int(fields[2]))
    return live


def _group_exists(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _install_handlers(stop: Callable[[int], None]) -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous: dict[int, Any] = {}
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        previous[signum] = signal.signal(signum, lambda received, _frame: stop(received))
    return previous
