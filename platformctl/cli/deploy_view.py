"""How deploy, rollback and history look: progress on stderr, the report as JSON, a GitHub step summary."""

from __future__ import annotations

import getpass
import json
import os
import socket
from pathlib import Path

from platformctl.cli import console
from platformctl.config import env_vars
from platformctl.core.deploy_report import DeployEvent, DeployReport
from platformctl.errors import PlatformctlError
from platformctl.files import path_error, write_text_file

_ICONS = {"deployed": "healthy", "applied": "applied", "diff": "diff", "rolled-back": "ROLLED BACK", "rollback-failed": "ROLLBACK FAILED", "failed": "FAILED"}


def who() -> str:
    """Who is deploying, for the history and the lock: the GitHub actor and run, or user@host."""
    actor = os.environ.get(env_vars.GITHUB_ACTOR)
    if actor:
        return f"{actor} (GitHub run {os.environ.get(env_vars.GITHUB_RUN_ID, '?')})"
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def print_event(event: DeployEvent) -> None:
    """Progress goes to stderr; migration log lines are indented under their step."""
    err = console.err()
    if event.kind == "step":
        err.print(f"• {event.message}…", markup=False)
    elif event.kind == "log":
        err.print(f"    | {event.message}", markup=False)
    elif event.kind == "warning":
        err.print(f"  Warning: {event.message}", markup=False)
    else:
        err.print(f"  {event.message}", markup=False)


def print_outcome(report: DeployReport) -> None:
    err = console.err()
    err.print(f"\n{_ICONS[report.outcome]}: {report.message}", markup=False)
    for line in report.evidence:
        err.print(f"  {line}", markup=False)
    for entry in report.prune_pending:
        err.print(f"  Left in place (prod prunes only with --prune): {entry}", markup=False)


def print_diff(report: DeployReport) -> None:
    out = console.out()
    for change in report.diff:
        fields = f" ({', '.join(change['fields'][:6])}{', …' if len(change['fields']) > 6 else ''})" if change["fields"] else ""
        out.print(f"{change['action']:>9}  {change['kind']}/{change['name']}{fields}", markup=False)


def markdown(report: DeployReport) -> str:
    """The GitHub Actions step summary."""
    lines = [
        f"### {report.service} → {report.env}: {_ICONS[report.outcome]}",
        "",
        report.message,
        "",
        f"Revision {report.revision} · `{report.image}`" if report.revision else f"`{report.image}`",
        "",
        "| step | result | seconds |",
        "| --- | --- | ---: |",
        *[f"| {s.name} | {'ok' if s.ok else 'failed: ' + s.detail.replace('|', '/')} | {s.seconds:.1f} |" for s in report.steps],
    ]
    if report.migration_log:
        lines += ["", "<details><summary>migration log</summary>", "", "```", *report.migration_log[-50:], "```", "</details>"]
    if report.evidence:
        lines += ["", "<details><summary>why the rollout failed</summary>", "", "```", *report.evidence, "```", "</details>"]
    return "\n".join(lines) + "\n"


_REPORT_HINT = "Pass a --report-file in a writable folder."


def _write_report_file(report_file: Path, text: str) -> None:
    """The report file, its folder made first (CI passes a fresh one), written by platformctl's one writer."""
    try:
        report_file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise path_error("create the folder of", report_file, exc, hint=_REPORT_HINT) from None
    write_text_file(report_file, text, hint=_REPORT_HINT)


def write_error_report(report_file: Path | None, exc: PlatformctlError) -> None:
    """What --report-file holds when deploy or rollback stopped on an error before it had a report."""
    if report_file is not None:
        document = {"outcome": "error", "message": exc.message, "hint": exc.hint, "details": exc.details, "exitCode": int(exc.exit_code)}
        _write_report_file(report_file, json.dumps(document, indent=2, sort_keys=True) + "\n")


def write_report(report: DeployReport, report_file: Path | None) -> None:
    """The JSON report to --report-file, and the step summary when GitHub Actions asks for one."""
    if report_file is not None:
        _write_report_file(report_file, report.to_json())
    summary = os.environ.get(env_vars.GITHUB_STEP_SUMMARY)
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(markdown(report))
