"""The plan document as `plan --json` prints and `--out` writes it: the plan, with what its readers add beside it."""

from __future__ import annotations

import json
from typing import Any

from platformctl.plan.cost import CostEstimate
from platformctl.plan.model import Plan


def whole_numbers_as_integers(value: Any) -> Any:
    """90.0 becomes 90 (as the plan's own numbers are), recursively; fractions stay floats."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {k: whole_numbers_as_integers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [whole_numbers_as_integers(v) for v in value]
    return value


def plan_document(plan: Plan, estimate: CostEstimate | None, extras: dict[str, Any] | None = None) -> str:
    """Stable bytes (sorted keys). `cost_estimate` and the extras (policy verdicts) are ignored by readers of
    older plans, so --compare accepts either."""
    doc = plan.model_dump(mode="json")
    if estimate is not None:
        doc["cost_estimate"] = whole_numbers_as_integers(estimate.model_dump(mode="json"))
    doc.update(extras or {})
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"
