"""The plan's readers as one use case: the cost estimate, a diff against an earlier plan, the diagram."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformctl.plan.cost import CostEstimate, estimate_cost
from platformctl.plan.diff import PlanDiff, compare_plans
from platformctl.plan.model import Plan


@dataclass(frozen=True)
class PlanReview:
    estimate: CostEstimate
    diff: PlanDiff | None = None
    diagram: Path | None = None


def check_review_inputs(*, plan_env: str, compare_with: Path | None, diagram: Path | None) -> Plan | None:
    """Read the old plan and check the diagram path before the (slow) plan runs, so bad input fails fast.

    Returns:
        The old plan when compare_with is given.
    Raises:
        UsageError: the old plan is broken or of another environment; the diagram path is not .svg/.png.
        MissingToolError: a diagram is asked for and graphviz is not installed.
    """
    from platformctl.plan.diagram import FORMATS, require_dot
    from platformctl.plan.plan_file import read_plan

    if diagram is not None:
        if diagram.suffix.lower() not in FORMATS:
            from platformctl.errors import UsageError

            raise UsageError(f"Cannot draw {diagram}: the diagram is written as .svg or .png.", hint="Pass --diagram with a file name ending in .svg or .png.")
        require_dot()
    return read_plan(compare_with, environment=plan_env) if compare_with is not None else None


def review_plan(*, plan: Plan, old_plan: Plan | None = None, diagram: Path | None = None) -> PlanReview:
    """Price the finished plan, compare it with old_plan, and draw it into diagram.

    Args:
        plan: the finished plan.
        old_plan: an earlier plan of the same environment (from check_review_inputs), or None.
        diagram: where to draw the architecture (.svg or .png), or None.
    Returns:
        The estimate, the diff (when old_plan was given) and the diagram's path (when drawn).
    Raises:
        MissingToolError: graphviz is needed for the diagram and not installed.
    """
    estimate = estimate_cost(plan)
    diff = compare_plans(old_plan, plan) if old_plan is not None else None
    if diagram is not None:
        from platformctl.plan.diagram import render_diagram

        render_diagram(plan, diagram)
    return PlanReview(estimate=estimate, diff=diff, diagram=diagram)
