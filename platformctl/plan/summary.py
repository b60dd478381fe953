"""Counts of planned resources per layer, type and region: the plan's summary table."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from platformctl.plan.model import Plan


@dataclass(frozen=True)
class SummaryRow:
    layer: str
    type: str
    region: str
    count: int


def summarize(plan: Plan) -> list[SummaryRow]:
    """One row per (layer, resource type, region), cloud resources only, in a stable order."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for resource in plan.resources():
        if resource.custom and not resource.type.startswith("pulumi:"):
            counts[(resource.layer, resource.type, resource.region or "-")] += 1
    return [SummaryRow(layer, type_, region, n) for (layer, type_, region), n in sorted(counts.items())]


def resource_count(plan: Plan) -> int:
    """Cloud resources in the plan (components, providers and stack references excluded)."""
    return sum(row.count for row in summarize(plan))
