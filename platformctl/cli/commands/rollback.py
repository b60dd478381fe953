"""`platformctl rollback`: put an earlier revision of this service back in an environment."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli import console
from platformctl.cli.commands.deploy import KubeconfigOption, ReportOption, confirm_production
from platformctl.cli.commands.render import ServiceDirOption
from platformctl.cli.durations import parse_duration
from platformctl.cli.options import JsonOption, PlatformFileOption, YesOption
from platformctl.errors import ExitCode, PlatformctlError


def rollback(
    ctx: typer.Context,
    env: str = typer.Option(..., "--env", "-e", help="Environment to roll back, as named in platform.yaml."),
    to: int | None = typer.Option(
        None, "--to", help="The revision to put back (`platformctl history` lists them). Default: the last healthy one before the current."
    ),
    timeout: str = typer.Option("5m", "--timeout", help="How long the rolled-back version may take to become healthy."),
    report_file: Path | None = ReportOption,
    as_json: bool = JsonOption,
    yes: bool = YesOption,
    use_kubeconfig: bool = KubeconfigOption,
    directory: Path = ServiceDirOption,
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Re-apply a recorded revision's manifests and wait until it is healthy; its migration is not run again and
    no schema is migrated down (migrations are expand/contract).

    Exit codes: 0 healthy, 1 the rolled-back version did not become healthy, 2 bad input or a deploy in progress.
    """
    from platformctl.cli.deploy_view import print_event, print_outcome, who, write_error_report, write_report
    from platformctl.core.rollback import ServiceTarget
    from platformctl.core.rollback import rollback as run_rollback

    seconds = parse_duration(timeout)
    try:
        confirm_production(env, directory, platform_file, yes=yes, action="roll back")
        report = run_rollback(
            ServiceTarget(directory, env, platform_file),
            to_revision=to,
            timeout_seconds=seconds,
            who=who(),
            connect=ctx.obj.kubernetes_connector(use_kubeconfig),
            clock=ctx.obj.clock,
            on_event=print_event,
        )
    except PlatformctlError as exc:
        write_error_report(report_file, exc)
        raise
    write_report(report, report_file)
    if as_json:
        console.write_data(report.to_json())
    print_outcome(report)
    if report.exit_code != ExitCode.OK:
        raise typer.Exit(int(report.exit_code))
