"""`platformctl plan`: what `up` would build, run on the embedded engine with no AWS account."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli import console
from platformctl.cli.options import JsonOption, PlatformFileOption
from platformctl.engines.layers import layer_names  # the layer table is pure data: no Pulumi import for --help
from platformctl.next_steps import after_plan


def plan(
    ctx: typer.Context,
    env: str = typer.Option(
        "dev", "--env", "-e", metavar="ENV", help="The environment to plan, as named in platform.yaml (the sample and `init` have dev, staging and prod)."
    ),
    layer: list[str] = typer.Option(
        [], "--layer", "-l", metavar="LAYER", help=f"Plan only this layer and the layers it needs; repeat it for more. Layers: {', '.join(layer_names())}."
    ),
    json_output: bool = JsonOption,
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        metavar="FILE",
        help="Also write the plan document (JSON) to this file, pipe or device; `-` writes it to stdout instead of the tree.",
        ),
    platform_file: Path | None = PlatformFileOption,
    summary_only: bool = typer.Option(
        False, "--summary", help="Show only the summary table (counts per layer, type and region), not the tree of every resource."
    ),
) -> None:
    """Show every resource the platform needs for one environment, without AWS or the Pulumi CLI.

    The stack programs run on Pulumi's mock runtime; values only the cloud knows are shown as
    "(known after apply: …)". With no platform.yaml here, the built-in sample platform is planned.
    """
    from platformctl.cli.progress import plan_progress
    from platformctl.config.loader import PLATFORM_FILE
    from platformctl.core.planning import PlanRequest, plan_platform
    from platformctl.files import STDOUT, check_writable
    from platformctl.plan.files import OUT_HINT, write_plan

    if out is not None and str(out) == STDOUT:  # the document on stdout is what --json does
        out, json_output = None, True
    if out is not None:  # before the planning, not after it
        check_writable(out, hint=OUT_HINT, not_over=platform_file or Path(PLATFORM_FILE))
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
        from platformctl.cli.plan_view import print_plan

        print_plan(console.out(), result, trees=not summary_only)
    if out is not None:
        stderr.print(f"Wrote the plan to {out}.")
    stderr.print(after_plan(env), markup=False)
