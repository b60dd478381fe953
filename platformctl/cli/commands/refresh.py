"""`platformctl refresh`: adopt what the cloud really has into each layer's state."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli.lifecycle_options import EnvOption, LayerOption, NdjsonOption, ParallelOption, ReportFileOption, WaitForLockOption
from platformctl.cli.options import PlatformFileOption


def refresh(
    ctx: typer.Context,
    env: str = EnvOption,
    layer: list[str] = LayerOption,
    parallel: int = ParallelOption,
    wait_for_lock: str = WaitForLockOption,
    json_output: bool = NdjsonOption,
    report_file: Path | None = ReportFileOption,
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Read every resource of the selected layers back from AWS and record what changed in the state (no resource is changed)."""
    from platformctl.cli import run_session as session
    from platformctl.core.lifecycle import GraphRequest, refresh_platform

    wiring = ctx.obj
    seconds = session.parse_duration(wait_for_lock)
    session.require_cloud(wiring, env)
    engine = wiring.lifecycle_engine()
    request = GraphRequest(env=env, layers=tuple(layer), parallel=parallel, wait_for_lock=seconds, platform_file=platform_file, cwd=Path.cwd())
    with session.run_session(wiring, operation="refresh", env=env, json_output=json_output) as (context, view):
        outcome = refresh_platform(request, engine=engine, context=context)
    session.finish(outcome, view, context, report_file=report_file)
