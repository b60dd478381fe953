"""`platformctl preview`: a real Pulumi preview of each layer, written as the plan document `plan` writes."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli.lifecycle_options import EnvOption, LayerOption, ParallelOption
from platformctl.cli.options import JsonOption, PlatformFileOption


def preview(
    ctx: typer.Context,
    env: str = EnvOption,
    layer: list[str] = LayerOption,
    parallel: int = ParallelOption,
    json_output: bool = JsonOption,
    out: Path | None = typer.Option(None, "--out", "-o", help="Also write the plan document (JSON) to this file.", dir_okay=False),
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Show what `up` would change, from a real preview against the state backend, as the same plan document `plan` writes.

    Everything that reads plans (policies, cost, diffs) reads previews too; values only the cloud knows
    stay unknown. Needs the Pulumi CLI and AWS credentials; `platformctl plan` needs neither.
    """
    from platformctl.cli import console
    from platformctl.cli import run_session as session
    from platformctl.cli.plan_view import layer_tree, summary_table
    from platformctl.core.lifecycle import GraphRequest
    from platformctl.core.previewing import preview_platform
    from platformctl.plan.files import write_plan

    wiring = ctx.obj
    session.require_cloud(wiring, env)
    engine = wiring.lifecycle_engine()
    request = GraphRequest(env=env, layers=tuple(layer), parallel=parallel, platform_file=platform_file, cwd=Path.cwd())
    with session.run_session(wiring, operation="preview", env=env, json_output=False) as (context, view):
        plan, outcomes = preview_platform(request, engine=engine, context=context)
    if out is not None:
        write_plan(plan, out)
        view.stderr.print(f"Wrote the preview's plan document to {out}.")
    if json_output:
        console.write_data(plan.to_json())
    else:
        for layer_plan in plan.layers:
            console.out().print(layer_tree(layer_plan))
        console.out().print(summary_table(plan))
    failed = [o for o in outcomes if o.status in {"failed", "blocked", "cancelled"}]
    for outcome in failed:
        view.stderr.print(f"  {outcome.status:<9} {outcome.layer}: {outcome.error or outcome.reason}", markup=False)
    if failed:
        raise typer.Exit(1)
    view.stderr.print(f"Next: `platformctl up --env {env}` applies it.")
