"""`plan`'s cost, diagram and diff options: checked before the plan runs, shown after it (kept out of the command body)."""

from __future__ import annotations

import json
from pathlib import Path

from platformctl.cli import console
from platformctl.core.plan_review import PlanReview
from platformctl.errors import ExitCode, UsageError
from platformctl.plan.model import Plan

FORMATS = ("text", "markdown", "terraform-plan")


def check_review_options(*, env: str, cost_only: bool, compare: Path | None, diagram: Path | None, output_format: str, json_output: bool) -> Plan | None:
    """Refuse contradictory options and a broken old plan before any work; returns the old plan to compare with."""
    from platformctl.core.plan_review import check_review_inputs

    if output_format not in FORMATS:
        raise UsageError(f"There is no --format {output_format!r}.", hint=f"Choose one of: {', '.join(FORMATS)}.")
    if json_output and output_format != "text":
        raise UsageError(f"--json and --format {output_format} both choose what is printed.", hint="Pass one of them.")
    if output_format == "terraform-plan" and (cost_only or compare is not None):
        raise UsageError("--format terraform-plan exports the plan alone.", hint="Leave out --cost-only and --compare.")
    if cost_only and compare is not None:
        raise UsageError("--cost-only and --compare cannot be combined.", hint="The diff of --compare already shows the cost delta.")
    return check_review_inputs(plan_env=env, compare_with=compare, diagram=diagram)


def show_review(plan: Plan, review: PlanReview, *, cost_only: bool, output_format: str, json_output: bool) -> int:
    """Print the estimate or the diff in the chosen form; returns the exit code (5 when a compared plan changed)."""
    from platformctl.cli.plan_review_view import cost_summary, diff_json, diff_view
    from platformctl.plan.markdown import cost_markdown, diff_markdown

    markdown = output_format == "markdown"
    if review.diff is not None:
        if json_output:
            console.write_data(diff_json(review.diff))
        elif markdown:
            console.write_data(diff_markdown(review.diff))
        else:
            console.out().print(diff_view(review.diff))
    elif cost_only:
        if json_output:
            console.write_data(json.dumps(review.estimate.model_dump(mode="json"), indent=2, sort_keys=True) + "\n")
        elif markdown:
            console.write_data(cost_markdown(review.estimate))
        else:
            console.out().print(cost_summary(review.estimate, top=15, full=True))
    elif markdown:
        from platformctl.plan.plan_markdown import plan_markdown

        console.write_data(plan_markdown(plan, review.estimate))
    elif not json_output:
        console.out().print(cost_summary(review.estimate))
    if review.diagram is not None:
        console.err().print(f"Drew the architecture into {review.diagram}.")
    return int(ExitCode.CHANGES_PENDING) if review.diff is not None and review.diff.has_changes else 0
