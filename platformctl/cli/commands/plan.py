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
    cost_only: bool = typer.Option(False, "--cost-only", help="Print only the monthly cost estimate: per layer, region and resource, with its assumptions."),
    diagram: Path | None = typer.Option(
        None, "--diagram", metavar="FILE", help="Also draw the architecture into this .svg or .png file (needs graphviz).", dir_okay=False
    ),
    compare: Path | None = typer.Option(
        None, "--compare", metavar="OLD", help="Show what changed since this earlier plan (from --out or --json); exits 5 when anything changed.",
        dir_okay=False,
    ),
    output_format: str = typer.Option(
        "text", "--format", metavar="FORMAT", help="How to print the plan, the diff or the cost: text, or markdown for a pull request."
    ),
) -> None:
    """Show every resource the platform needs for one environment, without AWS or the Pulumi CLI.

    The stack programs run on Pulumi's mock runtime; values only the cloud knows are shown as
    "(known after apply: …)". With no platform.yaml here, the built-in sample platform is planned.
    The monthly cost follows the summary; `--compare` shows what changed since an earlier plan.
    """
    from platformctl.cli.plan_review_hooks import check_review_options, show_review
    from platformctl.cli.progress import plan_progress
    from platformctl.config.loader import PLATFORM_FILE
    from platformctl.core.plan_review import review_plan
    from platformctl.core.planning import PlanRequest, plan_platform
    from platformctl.files import STDOUT, check_writable
    from platformctl.plan.document import plan_document
    from platformctl.plan.files import OUT_HINT, write_plan

    if out is not None and str(out) == STDOUT:  # the document on stdout is what --json does
        out, json_output = None, True
    # Bad options, an unwritable --out, a broken old plan or a missing graphviz fail before the planning, not after it.
    old_plan = check_review_options(env=env, cost_only=cost_only, compare=compare, diagram=diagram, output_format=output_format, json_output=json_output)
    if out is not None:
        check_writable(out, hint=OUT_HINT, not_over=platform_file or Path(PLATFORM_FILE))
    wiring = ctx.obj
    stderr = console.err()
    request = PlanRequest(env=env, layers=tuple(layer), platform_file=platform_file, cwd=Path.cwd())
    with plan_progress(stderr, env) as on_event:
        outcome = plan_platform(request, engine=wiring.planning_engine(), on_event=on_event)
    if outcome.is_sample:
        stderr.print("No platform.yaml here: planned the built-in sample platform (run `platformctl init` to write your own).")

    result = outcome.plan
    review = review_plan(plan=result, old_plan=old_plan, diagram=diagram)
    document = plan_document(result, review.estimate)
    if out is not None:
        write_plan(result, out, document)
    if json_output and not (cost_only or compare):
        console.write_data(document)
    elif not (cost_only or compare or output_format == "markdown"):
        from platformctl.cli.plan_view import print_plan

        print_plan(console.out(), result, trees=not summary_only)
    exit_code = show_review(result, review, cost_only=cost_only, output_format=output_format, json_output=json_output)
    if out is not None:
        stderr.print(f"Wrote the plan to {out}.")
    stderr.print(after_plan(env), markup=False)
    if exit_code:
        raise typer.Exit(exit_code)
