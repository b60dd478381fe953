"""A plan's summary as Markdown (resource counts per layer and region, then the cost estimate), for a job summary."""

from __future__ import annotations

from collections import Counter

from platformctl.plan.cost import CostEstimate
from platformctl.plan.markdown import cost_markdown
from platformctl.plan.model import Plan
from platformctl.plan.summary import resource_count, summarize


def plan_markdown(plan: Plan, estimate: CostEstimate) -> str:
    counts: Counter[tuple[str, str]] = Counter()
    for row in summarize(plan):
        counts[(row.layer, row.region)] += row.count
    lines = [f"### Plan for {plan.environment}: {resource_count(plan)} resources", "", "| layer | region | resources |", "| --- | --- | ---: |"]
    lines += [f"| {layer} | {region} | {n} |" for (layer, region), n in sorted(counts.items())]
    return "\n".join(lines) + "\n\n" + cost_markdown(estimate)
