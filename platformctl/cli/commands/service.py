"""`platformctl service plan|up|destroy`: what a service needs on the platform, planned offline or applied by the cloud engine."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer

from platformctl.cli import console
from platformctl.cli.options import JsonOption, PlatformFileOption, YesOption
from platformctl.errors import UsageError

if TYPE_CHECKING:
    from platformctl.core.service_stack import ServiceRequest

app = typer.Typer(
    help="A service's stack on the platform: its ECR repository, IAM roles for its pods and CI, queues, database role, secrets, namespace and Kong route.",
    no_args_is_help=True,
)

EnvOption = typer.Option(..., "--env", "-e", help="Environment, as named in platform.yaml.")
DirOption = typer.Option(Path("."), "--dir", "-d", help="The service's folder, the one holding service.yaml (default: the current folder).", file_okay=False)


def _request(env: str, directory: Path, platform_file: Path | None) -> ServiceRequest:
    from platformctl.core.service_stack import ServiceRequest

    return ServiceRequest(env=env, service_dir=directory, platform_file=platform_file, cwd=Path.cwd())


@app.command("plan")
def plan(
    ctx: typer.Context,
    env: str = EnvOption,
    directory: Path = DirOption,
    json_output: bool = JsonOption,
    out: Path | None = typer.Option(None, "--out", "-o", help="Also write the plan document (JSON) to this file.", dir_okay=False),
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Show every resource `platformctl service up` would create for this service, without AWS or the Pulumi CLI.

    The layers the service reads are planned first and feed its stack, so the plan is the same document
    `platformctl plan` prints, with the service's stack as its one layer.
    """
    from platformctl.cli.progress import plan_progress
    from platformctl.core.service_stack import plan_service
    from platformctl.plan.files import write_plan

    stderr = console.err()
    with plan_progress(stderr, env) as on_event:
        outcome = plan_service(
            _request(env, directory, platform_file), engine=ctx.obj.planning_engine(), on_event=on_event, judge_on=date.fromtimestamp(ctx.obj.clock.now())
        )
    if outcome.is_sample:
        stderr.print("No platform.yaml here: planned against the built-in sample platform.")
    # The same document and readers as `platformctl plan`: the plan with its cost beside it.
    from platformctl.cli import policy_view
    from platformctl.cli.plan_review_hooks import show_review
    from platformctl.core.plan_review import review_plan
    from platformctl.plan.document import plan_document

    review = review_plan(plan=outcome.plan)
    verdicts = outcome.verdicts
    document = plan_document(outcome.plan, review.estimate, {"policy": policy_view.report_data(verdicts)} if verdicts else None)
    if out is not None:
        write_plan(outcome.plan, out, document)
    if json_output:
        console.write_data(document)
    else:
        from platformctl.cli.plan_view import print_plan

        print_plan(console.out(), outcome.plan, trees=True)
        if verdicts:
            policy_view.show(console.out(), verdicts)
    show_review(outcome.plan, review, cost_only=False, output_format="text", json_output=json_output)
    if out is not None:
        stderr.print(f"Wrote the plan to {out}.")
    stderr.print(f"Next: `platformctl service up --env {env}` creates it (AWS credentials and the Pulumi CLI needed).")


def _apply(
    ctx: typer.Context, operation: Literal["up", "destroy"], env: str, directory: Path, yes: bool, json_output: bool, platform_file: Path | None
) -> None:
    from platformctl.core.service_stack import apply_service, resolve

    request = _request(env, directory, platform_file)
    target = resolve(request)  # bad input stops here, before any question or engine
    production = target.loaded.platform.is_production(env)
    if (operation == "destroy" or production) and not yes:
        what = f"{'Destroy' if operation == 'destroy' else 'Apply'} {target.stack.project} in {env}"
        if not sys.stdin.isatty():
            raise UsageError(f"{what} needs a confirmation, and there is no terminal to ask.", hint="Pass --yes to confirm.")
        if not typer.confirm(f"{what}?", default=False, err=True):
            raise typer.Exit(1)
    stderr = console.err()
    from platformctl.engines.base import EngineEvent, ResourceProgress

    def on_event(event: EngineEvent) -> None:
        if isinstance(event, ResourceProgress) and event.state != "started":
            stderr.print(f"{event.op} {event.type} {event.urn.rsplit('::', 1)[-1]}: {event.state}")

    outcome = apply_service(request, operation=operation, engine_factory=ctx.obj.lifecycle_engine, on_event=on_event)
    result = outcome.result
    if json_output:
        console.write_document(
            {
                "service": outcome.service,
                "environment": env,
                "operation": operation,
                "status": result.status,
                "changes": result.changes,
                "outputs": result.outputs,
            }
        )
    else:
        changes = ", ".join(f"{n} {k}" for k, n in sorted(result.changes.items()) if n) or "no changes"
        console.out().print(f"{target.stack.project} ({env}): {operation} {result.status}: {changes}.")
    if operation == "up":
        stderr.print(f"Next: `platformctl deploy --env {env} --image …` deploys the service into namespace {outcome.service}.")


@app.command("up")
def up(
    ctx: typer.Context,
    env: str = EnvOption,
    directory: Path = DirOption,
    yes: bool = YesOption,
    json_output: bool = JsonOption,
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Create or update this service's stack in an environment on the cloud engine (asks first in production unless --yes)."""
    _apply(ctx, "up", env, directory, yes, json_output, platform_file)


@app.command("destroy")
def destroy(
    ctx: typer.Context,
    env: str = EnvOption,
    directory: Path = DirOption,
    yes: bool = YesOption,
    json_output: bool = JsonOption,
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Delete this service's stack in an environment on the cloud engine (always asks unless --yes).

    In production its repository, queues and secrets are protected: the engine refuses to delete them until they
    are unprotected on purpose, so a stray destroy cannot drop images, jobs or credentials.
    """
    _apply(ctx, "destroy", env, directory, yes, json_output, platform_file)
