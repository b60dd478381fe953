"""`platformctl plan`: what `up` would build, run on the embedded engine with no AWS account."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli import console
from platformctl.cli.options import JsonOption, PlatformFileOption


def plan(
    ctx: typer.Context,
    env: str = typer.Option("dev", "--env", "-e", help="Environment to plan, as named in platform.yaml."),
    layer: list[str] = typer.Option([], "--layer", "-l", help="Plan only this layer (and what it depends on); repeatable."),
    json_output: bool = JsonOption,
    out: Path | None = typer.Option(None, "--out", "-o", help="Also write the plan document (JSON) to this file.", dir_okay=False),
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Show every resource `platformctl up` would create, without AWS or the Pulumi CLI.

    The stack programs run on Pulumi's mock runtime; values only the cloud knows are shown as
    "(known after apply: …)". With no platform.yaml here, the built-in sample platform is planned.
    """
    from platformctl.cli.progress import plan_progress
    from platformctl.core.planning import PlanRequest, plan_platform
    from platformctl.plan.files import write_plan

    wiring = ctx.obj
    stderr = console.err()
    request = PlanRequest(env=env, layers=tuple(layer), platform_file=platform_file, cwd=Path.cwd())
    with plan_progress(stderr, env) as on_event:
        outcome = plan_platform(request, engine=wiring.planning_engine(), on_event=on_event)
    if outcome.is_sample:
        stderr.print("No platform.yaml here: planned the built-in sample platform (run `platformctl init` to write your own).")

    result = outcome.plan
    if out is not None:
        write_plan(result, out)
    if json_output:
        console.write_data(result.to_json())
    else:
        from platformctl.cli.plan_view import layer_tree, summary_table

        stdout = console.out()
        for layer_plan in result.layers:
            stdout.print(layer_tree(layer_plan))
        stdout.print(summary_table(result))
    if out is not None:
        stderr.print(f"Wrote the plan to {out}.")
    stderr.print(f"Next: `platformctl up --env {env}` applies it (`platformctl doctor` checks what that needs: the Pulumi CLI, AWS credentials, "
                 "a state backend from `platformctl bootstrap`).")
