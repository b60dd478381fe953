"""What the lifecycle commands share: prerequisites, the run's context and display, Ctrl-C, questions, exit codes."""

from __future__ import annotations

import os
import re
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import typer

from platformctl.cli import console
from platformctl.cli.run_view import RunView, pick_mode
from platformctl.core.layer_runs import RunContext, RunOutcome
from platformctl.core.run_record import new_run_id, report
from platformctl.core.scheduler import CancelSignal
from platformctl.errors import ExitCode, UsageError
from platformctl.files import write_text_file
from platformctl.wiring import Wiring

_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")


def parse_duration(text: str) -> float:
    """Seconds from "90", "90s", "5m", "1h30m".

    Raises:
        UsageError: anything else.
    """
    match = _DURATION.match(text.strip())
    if not text.strip() or match is None:
        raise UsageError(f"--wait-for-lock takes a duration like 90s, 5m or 1h, not '{text}'.")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return float(hours * 3600 + minutes * 60 + seconds)


def require_cloud(wiring: Wiring, env: str) -> None:
    """Stop with exit 3 and doctor's words when the Pulumi CLI, the state backend, a region or credentials are missing."""
    from platformctl.core.prerequisites import require_cloud as check

    check(state_url=wiring.settings.state_url, runner=wiring.runner, identity=wiring.aws_identity, env=env)


@contextmanager
def run_session(wiring: Wiring, *, operation: str, env: str, json_output: bool) -> Iterator[tuple[RunContext, RunView]]:
    """The run's context (records, clock, cancel signal, display) with Ctrl-C turned into cancel requests."""
    stderr = console.err()
    run_id = new_run_id(wiring.clock.now())
    view = RunView(stderr, mode=pick_mode(stderr, json_output), run_id=run_id, operation=operation, env=env, now=wiring.clock.now)
    cancel = CancelSignal()
    context = RunContext(records=wiring.run_records(), clock=wiring.clock, cancel=cancel, on_event=view, run_id=run_id)

    def on_interrupt(_signum: int, _frame: FrameType | None) -> None:
        # In a terminal the pulumi processes get the same Ctrl-C: the first makes them stop after the
        # operations in flight, the second makes them exit. We mirror that for the layers not yet started.
        cancel.request()

    previous: Any = None
    if _main_thread():
        previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        with view:
            yield context, view
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def finish(outcome: RunOutcome, view: RunView, context: RunContext, *, report_file: Path | None = None, drift_exit: bool = False) -> None:
    """Summarise, write the report, and exit: 0 done, 1 something failed, 5 drift found, 130 interrupted."""
    record = outcome.record
    view.summary(record, outcome.saved_to)
    if report_file is not None:
        write_report(record_text=report(record, as_json=report_file.suffix == ".json"), path=report_file)
        view.stderr.print(f"Report: {report_file}", markup=False)
    if context.cancel.requests >= 2:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(ExitCode.INTERRUPTED))  # abandoned layers' threads must not keep the process alive
    if record.interrupted:
        raise typer.Exit(int(ExitCode.INTERRUPTED))
    if record.failed:
        view.stderr.print(f"Next: fix the first error above, then `platformctl {record.operation} --env {record.environment} --resume`"
                          if record.operation == "up" else "Next: fix the first error above and run it again.", markup=False)
        raise typer.Exit(int(ExitCode.FAILED))
    if drift_exit and any(entry.drifted for entry in record.layers):
        raise typer.Exit(int(ExitCode.CHANGES_PENDING))


def write_report(*, record_text: str, path: Path) -> None:
    write_text_file(path, record_text, hint="Pass a --report-file in an existing, writable folder.")


def require_answerable(action: str, *, yes: bool) -> None:
    """Refuse before any work when a question will be needed and there is no terminal to ask it in."""
    if not yes and not sys.stdin.isatty():
        raise UsageError(f"{action} asks before changing anything, and there is no terminal to ask in.", hint="Pass --yes to run it unattended (in CI).")


def confirm(question: str, *, env: str, production: bool, yes: bool) -> bool:
    """Ask before a change: production wants the environment's name typed; no terminal wants --yes."""
    if yes:
        return True
    require_answerable(question, yes=yes)
    if production:
        typed = typer.prompt(f"{question} {env} is a production environment: type its name to go on", default="", show_default=False)
        return bool(typed.strip() == env)
    return typer.confirm(question, default=False)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
