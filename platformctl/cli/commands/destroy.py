"""`platformctl destroy`: remove the environment's layers, dependents first; protected resources are kept unless asked."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli.lifecycle_options import EnvOption, FailFastOption, LayerOption, NdjsonOption, ParallelOption, ReportFileOption, WaitForLockOption
from platformctl.cli.options import PlatformFileOption, YesOption


def destroy(
    ctx: typer.Context,
    env: str = EnvOption,
    layer: list[str] = LayerOption,
    yes: bool = YesOption,
    include_protected: bool = typer.Option(False, "--include-protected", help="Also delete protected resources (databases, buckets, keys)."),
    parallel: int = ParallelOption,
    wait_for_lock: str = WaitForLockOption,
    fail_fast: bool = FailFastOption,
    json_output: bool = NdjsonOption,
    report_file: Path | None = ReportFileOption,
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Delete the environment's layers in reverse dependency order (a layer goes once everything reading it has gone).

    Protected resources are retained and listed unless --include-protected. It asks first (in
    production: type the environment's name) unless --yes. A failed layer keeps the layers it
    depends on; run it again to continue.
    """
    from platformctl.cli import run_session as session
    from platformctl.core.layer_runs import is_production
    from platformctl.core.lifecycle import GraphRequest, destroy_platform

    wiring = ctx.obj
    seconds = session.parse_duration(wait_for_lock)
    production = is_production(env, platform_file, Path.cwd())
    session.require_cloud(wiring, env)
    what = "every layer" if not layer else ", ".join(layer)
    kept = "" if include_protected else " (protected resources are kept)"
    if not session.confirm(f"Destroy {what} of {env}{kept}?", env=env, production=production or include_protected, yes=yes):
        raise typer.Exit(1)
    engine = wiring.lifecycle_engine()
    request = GraphRequest(env=env, layers=tuple(layer), parallel=parallel, fail_fast=fail_fast, wait_for_lock=seconds,
                           platform_file=platform_file, cwd=Path.cwd())
    with session.run_session(wiring, operation="destroy", env=env, json_output=json_output) as (context, view):
        outcome = destroy_platform(request, engine=engine, context=context, include_protected=include_protected)
    session.finish(outcome, view, context, report_file=report_file)
