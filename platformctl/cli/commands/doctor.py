"""`platformctl doctor`: what this machine has for plan, up and deploy, and how to fix what is missing."""

from __future__ import annotations

import json

import typer

from platformctl.cli import console
from platformctl.cli.options import JsonOption


def doctor(json_output: bool = JsonOption) -> None:
    """Check Python, the Pulumi CLI, AWS credentials (through STS), kubectl, docker and graphviz.

    Exits 3 when something that `up` or `deploy` needs is missing; `plan` needs none of it.
    """
    from dataclasses import asdict

    from platformctl.core.diagnostics import SystemRunner, diagnose
    from platformctl.errors import ExitCode

    report = diagnose(runner=SystemRunner())
    if json_output:
        doc = {"healthy": report.healthy, "checks": [asdict(c) for c in report.checks]}
        console.write_data(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    else:
        from rich.table import Table

        table = Table(title="platformctl doctor", title_justify="left")
        for column in ("check", "status", "detail", "needed for"):
            table.add_column(column)
        for check in report.checks:
            table.add_row(check.name, check.status.upper(), check.detail, ", ".join(check.required_for) or "optional")
        console.out().print(table)
        for check in report.checks:
            if check.fix and check.status != "ok":
                console.err().print(f"Fix {check.name}: {check.fix}", markup=False)
    if not report.healthy:
        raise typer.Exit(int(ExitCode.MISSING_TOOL))
    console.err().print("Everything `up` and `deploy` need is here.")
