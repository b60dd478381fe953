"""`platformctl deploy`: ship an image of this service to an environment, healthy or rolled back."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from platformctl.cli import console
from platformctl.cli.commands.render import OutputsOption, ServiceDirOption
from platformctl.cli.durations import parse_duration
from platformctl.cli.options import JsonOption, PlatformFileOption, YesOption
from platformctl.config import env_vars
from platformctl.errors import ExitCode, PlatformctlError, UsageError

KubeconfigOption = typer.Option(
    False,
    "--current-context",
    help="Use the current kubeconfig context (KUBECONFIG, as kubectl does) instead of reaching the environment's EKS cluster through AWS.",
)
ReportOption = typer.Option(None, "--report-file", help="Write the deploy report (every step, the migration log, the outcome) as JSON here.", dir_okay=False)


def _verify_minutes(value: str | None) -> int | None:
    if value is None:
        return None
    provider, _, minutes = value.partition(":")
    if provider != "datadog" or (minutes and not minutes.isdigit()) or (minutes and not 1 <= int(minutes) <= 60):
        raise typer.BadParameter(f"{value!r}: write datadog or datadog:MINUTES (1-60).")
    return int(minutes or 5)


def confirm_production(env: str, directory: Path, platform_file: Path | None, *, yes: bool, action: str) -> None:
    """Production actions ask first; without a terminal they need --yes."""
    from platformctl.core.rendering import is_production

    if yes or not is_production(directory, env, platform_file):
        return
    if not sys.stdin.isatty():
        raise UsageError(f"{env} is a production environment: {action} needs --yes when nothing can answer a question.", hint="Add --yes (CI does).")
    if not typer.confirm(f"{action.capitalize()} in production ({env})?", default=False, err=True):
        raise typer.Exit(int(ExitCode.USAGE))


def deploy(
    ctx: typer.Context,
    env: str = typer.Option(..., "--env", "-e", help="Environment to deploy to, as named in platform.yaml."),
    image: str = typer.Option(..., "--image", help="The image by tag or digest; a tag is resolved to its digest in ECR, so what runs is immutable."),
    timeout: str = typer.Option("10m", "--timeout", help="How long the rollout may take before it is rolled back (e.g. 10m, 90s)."),
    rollback_timeout: str = typer.Option("5m", "--rollback-timeout", help="The rollback's own time budget, separate from --timeout."),
    diff: bool = typer.Option(False, "--diff", help="Show what would change (a server-side dry run, and what would be pruned); change nothing."),
    no_wait: bool = typer.Option(False, "--no-wait", help="Apply (after the migration) and return without waiting for the rollout."),
    prune: bool = typer.Option(False, "--prune", help="In production, also delete objects the new render no longer has (other environments always prune)."),
    force_conflicts: bool = typer.Option(False, "--force-conflicts", help="Take back fields another field manager (e.g. kubectl edit) owns."),
    verify: str | None = typer.Option(None, "--verify", help="After the rollout, check Datadog: `datadog` or `datadog:MINUTES`; no data counts as failure."),
    report_file: Path | None = ReportOption,
    as_json: bool = JsonOption,
    yes: bool = YesOption,
    use_kubeconfig: bool = KubeconfigOption,
    outputs: Path | None = OutputsOption,
    directory: Path = ServiceDirOption,
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Deploy this service: render its manifests, take the deploy lock, run the migration, apply in order, and wait
    until the rollout is healthy; on failure or timeout roll back to the previous revision and exit 6.

    Exit codes: 0 healthy, 6 rolled back, 1 failed (also when the rollback failed), 2 bad input, a field
    conflict or a deploy already in progress, 3 a missing credential.

    Examples:

        platformctl deploy --env staging --image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/orders:3f2a1c9 --yes

        platformctl deploy --env prod --image …@sha256:… --diff
    """
    from platformctl.cli.deploy_view import print_diff, print_event, print_outcome, who, write_error_report, write_report
    from platformctl.core.deployment import DeployRequest
    from platformctl.core.deployment import deploy as run_deploy

    request = DeployRequest(
        directory=directory,
        env=env,
        image=image,
        outputs_file=outputs,
        platform_file=platform_file,
        timeout_seconds=parse_duration(timeout),
        rollback_timeout_seconds=parse_duration(rollback_timeout),
        diff=diff,
        wait=not no_wait,
        prune=prune,
        force_conflicts=force_conflicts,
        git_sha=os.environ.get(env_vars.GITHUB_SHA, ""),
        who=who(),
        verify_minutes=_verify_minutes(verify),
    )
    verifier = None
    try:
        if not diff:
            confirm_production(env, directory, platform_file, yes=yes, action="deploy")
        if request.verify_minutes is not None:
            from platformctl.metrics.datadog import verifier_from_environment

            verifier = verifier_from_environment(directory=directory, env=env, platform_file=platform_file)
        report = run_deploy(
            request,
            connect=ctx.obj.kubernetes_connector(use_kubeconfig),
            clock=ctx.obj.clock,
            resolve_digest=ctx.obj.image_digest,
            on_event=print_event,
            verifier=verifier,
        )
    except PlatformctlError as exc:
        write_error_report(report_file, exc)
        raise
    write_report(report, report_file)
    if as_json:
        console.write_data(report.to_json())
    elif diff:
        print_diff(report)
    print_outcome(report)
    if report.exit_code != ExitCode.OK:
        raise typer.Exit(int(report.exit_code))
