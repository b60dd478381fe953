"""The plan document as `plan --json` prints and `--out` writes it: the plan, with its cost estimate beside it."""

from __future__ import annotations

import json

from platformctl.plan.cost import CostEstimate
from platformctl.plan.model import Plan


def plan_document(plan: Plan, estimate: CostEstimate | None) -> str:
    """Stable bytes (sorted keys); `cost_estimate` is ignored by readers of older plans, so --compare accepts either."""
    doc = plan.model_dump(mode="json")
    if estimate is not None:
        doc["cost_estimate"] = estimate.model_dump(mode="json")
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"
