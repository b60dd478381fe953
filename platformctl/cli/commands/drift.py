"""`platformctl drift`: what changed in AWS behind Pulumi's back, per layer; exit 5 when anything drifted."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli.lifecycle_options import EnvOption, LayerOption, NdjsonOption, ParallelOption, ReportFileOption
from platformctl.cli.options import PlatformFileOption


def drift(
    ctx: typer.Context,
    env: str = EnvOption,
    layer: list[str] = LayerOption,
    parallel: int = ParallelOption,
    json_output: bool = NdjsonOption,
    report_file: Path | None = ReportFileOption,
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Run a refresh preview of each layer and list every resource that differs from the state; the state is not changed.

    Exits 5 when anything drifted (for CI), 0 when nothing did.
    """
    from platformctl.cli import run_session as session
    from platformctl.core.lifecycle import GraphRequest, detect_drift

    wiring = ctx.obj
    session.require_cloud(wiring, env)
    engine = wiring.lifecycle_engine()
    request = GraphRequest(env=env, layers=tuple(layer), parallel=parallel, platform_file=platform_file, cwd=Path.cwd())
    with session.run_session(wiring, operation="drift", env=env, json_output=json_output) as (context, view):
        outcome = detect_drift(request, engine=engine, context=context)
    drifted = [entry.name for entry in outcome.record.layers if entry.drifted]
    if drifted:
        view.stderr.print(f"Drift in {', '.join(drifted)}: `platformctl refresh --env {env}` adopts it into the state; "
                          f"`platformctl up --env {env}` puts the resources back as declared.", markup=False)
    session.finish(outcome, view, context, report_file=report_file, drift_exit=True)
    view.stderr.print("No drift: the cloud matches the state.", markup=False)
