"""`platformctl plan`: what `up` would build, run on the embedded engine with no AWS account."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from platformctl.cli import console
from platformctl.cli.commands.policy import PolicyLevelOption
from platformctl.cli.options import JsonOption, PlatformFileOption
from platformctl.engines.layers import layer_names  # the layer table is pure data: no Pulumi import for --help
from platformctl.next_steps import after_plan

if TYPE_CHECKING:  # imported when used: `platformctl --help` must not pay for pydantic models
    from platformctl.core.plan_review import PlanReview
    from platformctl.plan.model import Plan
    from platformctl.policies.evaluate import PolicyReport


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
    report: Path | None = typer.Option(
        None, "--report", metavar="FILE", help="Also write a compliance report (SOC 2, HIPAA 164.312, GDPR art. 32) to this .md or .html file.",
        dir_okay=False,
    ),
    policy_level: str = PolicyLevelOption,
    output_format: str = typer.Option(
        "text", "--format", metavar="FORMAT",
        help="How to print: text; markdown (plan, diff or cost, for a pull request); terraform-plan (the JSON of `terraform show -json`, "
        "for checkov, trivy, conftest and infracost, on stdout and in --out).",
    ),
) -> None:
    """Show every resource the platform needs for one environment, without AWS or the Pulumi CLI.

    The stack programs run on Pulumi's mock runtime; values only the cloud knows are shown as
    "(known after apply: …)". With no platform.yaml here, the built-in sample platform is planned.
    The monthly cost follows the summary; `--compare` shows what changed since an earlier plan.
    Every policy rule judges the plan: a mandatory failure exits 4 unless --policy-level advisory.
    """
    from platformctl.cli.plan_review_hooks import check_review_options
    from platformctl.cli.progress import plan_progress
    from platformctl.config.loader import PLATFORM_FILE
    from platformctl.core.plan_review import review_plan
    from platformctl.core.planning import PlanRequest, plan_platform
    from platformctl.core.policy_check import enforce, parse_level
    from platformctl.files import STDOUT, check_writable
    from platformctl.plan.files import OUT_HINT

    level = parse_level(policy_level)
    if out is not None and str(out) == STDOUT:  # the document on stdout is what --json does
        out, json_output = None, True
    # Bad options, an unwritable --out, a broken old plan or a missing graphviz fail before the planning, not after it.
    old_plan = check_review_options(env=env, cost_only=cost_only, compare=compare, diagram=diagram, output_format=output_format, json_output=json_output)
    if report is not None:
        from platformctl.policies.compliance_report import report_format

        report_format(report)
    if out is not None:
        check_writable(out, hint=OUT_HINT, not_over=platform_file or Path(PLATFORM_FILE))
    wiring = ctx.obj
    stderr = console.err()
    today = date.fromtimestamp(wiring.clock.now())
    request = PlanRequest(env=env, layers=tuple(layer), platform_file=platform_file, cwd=Path.cwd(), judge_on=today)
    with plan_progress(stderr, env) as on_event:
        outcome = plan_platform(request, engine=wiring.planning_engine(), on_event=on_event)
    if outcome.is_sample:
        stderr.print("No platform.yaml here: planned the built-in sample platform (run `platformctl init` to write your own).")

    result, verdicts = outcome.plan, outcome.verdicts
    assert verdicts is not None  # judge_on was given
    review = review_plan(plan=result, old_plan=old_plan, diagram=diagram)
    exit_code = _print(result, review, verdicts, output_format=output_format, json_output=json_output, out=out, summary_only=summary_only,
                       cost_only=cost_only, compare=compare is not None)
    if report is not None:
        from platformctl.policies.compliance_report import write_report

        write_report(result, verdicts, report, generated=datetime.now(UTC))
        stderr.print(f"Wrote the compliance report to {report}.")
    if out is not None:
        stderr.print(f"Wrote the plan to {out}.")
    enforce(verdicts, level)
    stderr.print(after_plan(env), markup=False)
    if exit_code:
        raise typer.Exit(exit_code)


def _print(
    result: Plan, review: PlanReview, verdicts: PolicyReport, *, output_format: str, json_output: bool, out: Path | None, summary_only: bool,
    cost_only: bool, compare: bool,
) -> int:
    """stdout gets the data (tree, verdicts and cost; or a JSON/Markdown/Terraform document); --out gets the document."""
    from platformctl.cli import policy_view
    from platformctl.cli.plan_review_hooks import show_review
    from platformctl.plan.document import plan_document
    from platformctl.plan.files import write_plan

    if output_format == "terraform-plan":
        from platformctl.plan.terraform_export import write_terraform_plan

        write_terraform_plan(result, out, console.write_data)
        return 0
    # One document for --out and --json: the plan with its cost and its verdicts beside it (plan readers ignore both).
    document = plan_document(result, review.estimate, {"policy": policy_view.report_data(verdicts)})
    if out is not None:
        write_plan(result, out, document)
    if json_output and not (cost_only or compare):
        console.write_data(document)
    elif not (cost_only or compare or output_format == "markdown"):
        from platformctl.cli.plan_view import print_plan

        stdout = console.out()
        print_plan(stdout, result, trees=not summary_only)
        policy_view.show(stdout, verdicts)
    return show_review(result, review, cost_only=cost_only, output_format=output_format, json_output=json_output)
