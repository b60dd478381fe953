"""`platformctl up`: apply the environment's layers in dependency order, as a pool, with a live display."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli.lifecycle_options import (
    EnvOption,
    FailFastOption,
    LayerOption,
    NdjsonOption,
    ParallelOption,
    ReportFileOption,
    WaitForLockOption,
)
from platformctl.cli.options import PlatformFileOption, YesOption


def up(
    ctx: typer.Context,
    env: str = EnvOption,
    layer: list[str] = LayerOption,
    yes: bool = YesOption,
    parallel: int = ParallelOption,
    wait_for_lock: str = WaitForLockOption,
    resume: bool = typer.Option(False, "--resume", help="Run again only the layers that failed, were blocked or were cancelled in the last `up`."),
    fail_fast: bool = FailFastOption,
    dependents: bool | None = typer.Option(
        None, "--dependents/--no-dependents",
        help="Pull layers that read outputs this run changed into the run, or only list them as stale. "
             "Default: pulled in, except with --layer, where they are listed.",
    ),
    json_output: bool = NdjsonOption,
    report_file: Path | None = ReportFileOption,
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Create or update the platform's layers on AWS with Pulumi, upstream first, several at a time.

    Without --yes it previews every layer first, shows the changes and asks (in production: type the
    environment's name). A failed layer blocks the layers that depend on it; the others finish. Each run
    leaves a record with the state, so `--resume` reruns only what failed. Nothing is ever rolled back.
    """
    from platformctl.cli import run_session as session
    from platformctl.cli.run_view import render_previews
    from platformctl.core.layer_runs import is_production
    from platformctl.core.provision import LayerPreview, UpRequest, provision

    wiring = ctx.obj
    seconds = session.parse_duration(wait_for_lock)
    production = is_production(env, platform_file, Path.cwd())
    session.require_answerable(f"`up --env {env}`", yes=yes)
    session.require_cloud(wiring, env)
    engine = wiring.lifecycle_engine()
    request = UpRequest(env=env, layers=tuple(layer), parallel=parallel, fail_fast=fail_fast, wait_for_lock=seconds, resume=resume,
                        pull_stale=dependents if dependents is not None else not layer, preview_first=not yes, platform_file=platform_file, cwd=Path.cwd())
    with session.run_session(wiring, operation="up", env=env, json_output=json_output) as (context, view):

        def ask(previews: list[LayerPreview]) -> bool:
            view.__exit__()  # the question needs the terminal to itself
            render_previews(view.stderr, previews)
            answer = session.confirm(f"Apply these changes to {env}?", env=env, production=production, yes=yes)
            view.__enter__()
            return answer

        outcome = provision(request, engine=engine, context=context, confirm=ask)
    if outcome.nothing_to_resume:
        view.stderr.print(f"The last `up` of {env} left nothing failed or blocked: nothing to resume.")
        return
    if outcome.run is None:
        view.stderr.print("Nothing was applied.")
        raise typer.Exit(1)
    session.finish(outcome.run, view, context, report_file=report_file)
    view.stderr.print(f"Next: `platformctl status --env {env}` shows each layer; `platformctl outputs --env {env}` prints their outputs.")
