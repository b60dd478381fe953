"""`platformctl plan`: what `up` would build, run on the embedded engine with no AWS account."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli import console
from platformctl.cli.options import JsonOption, PlatformFileOption


def plan(
    env: str = typer.Option("dev", "--env", "-e", help="Environment to plan, as named in platform.yaml."),
    layer: list[str] = typer.Option([], "--layer", "-l", help="Plan only this layer (and what it depends on); repeatable."),
    json_output: bool = JsonOption,
    out: Path | None = typer.Option(None, "--out", "-o", help="Also write the plan document (JSON) to this file.", dir_okay=False),
    platform_file: Path | None = PlatformFileOption,
    cost_only: bool = typer.Option(False, "--cost-only", help="Print only the monthly cost estimate: per layer, region and resource, with its assumptions."),
    diagram: Path | None = typer.Option(None, "--diagram", help="Also draw the architecture into this .svg or .png file (needs graphviz).", dir_okay=False),
    compare: Path | None = typer.Option(
        None, "--compare", help="Show what changed since this earlier plan (from --out or --json); exits 5 when anything changed.", dir_okay=False
    ),
    output_format: str = typer.Option("text", "--format", help="How to print the plan, the diff or the cost: text, or markdown for a pull request."),
) -> None:
    """Show every resource `platformctl up` would create, without AWS or the Pulumi CLI.

    The stack programs run on Pulumi's mock runtime; values only the cloud knows are shown as
    "(known after apply: …)". With no platform.yaml here, the built-in sample platform is planned.
    """
    from platformctl.config.loader import load_platform
    from platformctl.core.planning import build_plan, check_environment
    from platformctl.plan.files import write_plan

    stderr = console.err()
    loaded = load_platform(platform_file, cwd=Path.cwd())
    if loaded.is_sample:
        stderr.print("No platform.yaml here: planning the built-in sample platform (run `platformctl init` to write your own).")
    check_environment(loaded, env)
    from platformctl.cli.plan_review_hooks import check_review_options

    old_plan = check_review_options(env=env, cost_only=cost_only, compare=compare, diagram=diagram, output_format=output_format, json_output=json_output)
    from platformctl.engines.layers import missing_layers

    if not layer and missing_layers():
        stderr.print(f"Not built yet, so not in this plan: the {', '.join(missing_layers())} layer(s).")

    with stderr.status(f"Planning {env}…") as status:

        def progress(layer_name: str, phase: str) -> None:
            if phase == "start":
                status.update(f"Planning {env}: {layer_name}…")
                if not stderr.is_terminal:
                    stderr.print(f"planning {layer_name}…")

        result = build_plan(loaded=loaded, env=env, layers=layer or None, on_progress=progress)

    from platformctl.cli.plan_review_hooks import show_review
    from platformctl.core.plan_review import review_plan
    from platformctl.plan.document import plan_document

    review = review_plan(plan=result, old_plan=old_plan, diagram=diagram)
    if out is not None:
        write_plan(result, out, plan_document(result, review.estimate))
    if json_output and not (cost_only or compare):
        console.write_data(plan_document(result, review.estimate))
    elif not (cost_only or compare or output_format == "markdown"):
        from platformctl.cli.plan_view import layer_tree, summary_table

        stdout = console.out()
        for layer_plan in result.layers:
            stdout.print(layer_tree(layer_plan))
        stdout.print(summary_table(result))
    exit_code = show_review(result, review, cost_only=cost_only, output_format=output_format, json_output=json_output)
    if out is not None:
        stderr.print(f"Wrote the plan to {out}.")
    # `up` is not a command yet: point at what applies a layer today.
    stderr.print(
        "Next: review it; `platformctl doctor` checks what applying it needs (AWS credentials, the Pulumi CLI), "
        "and each layer applies with `cd stacks/<layer> && pulumi up`."
    )
    if exit_code:
        raise typer.Exit(exit_code)
