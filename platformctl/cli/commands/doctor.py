"""`platformctl doctor`: what this machine has for plan, up and deploy, and how to fix what is missing."""

from __future__ import annotations

import typer

from platformctl.cli import console
from platformctl.cli.options import JsonOption
from platformctl.next_steps import DOCTOR_ALL_GOOD


def doctor(ctx: typer.Context, json_output: bool = JsonOption) -> None:
    """Check Python, the Pulumi CLI and its version, the state backend and its region, AWS credentials (through STS), kubectl, docker and graphviz.

    Exits 3 when something that applying the platform or deploying services needs is missing;
    `platformctl plan` needs none of it.
    """
    from platformctl.core.diagnostics import diagnose
    from platformctl.errors import ExitCode

    wiring = ctx.obj
    report = diagnose(runner=wiring.runner, identity=wiring.aws_identity, state_url=wiring.settings.state_url)
    if json_output:
        console.write_document(report.to_document())
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
    console.err().print(DOCTOR_ALL_GOOD, markup=False)
