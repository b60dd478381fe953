"""Markdown forms of a plan diff and a cost estimate, fit to paste into a pull request comment or a job summary."""

from __future__ import annotations

import json
from typing import Any

from platformctl.plan.cost import CostEstimate
from platformctl.plan.diff import PlanDiff, ResourceRef

MAX_VALUE = 120  # long values (policies as JSON) are cut so a table stays readable
SYMBOL = {"add": "➕ add", "remove": "➖ remove", "update": "✏️ update", "replace": "♻️ **replace**"}


def money(value: float | None, currency: str = "USD", *, signed: bool = False) -> str:
    if value is None:
        return "–"
    sign = "+" if signed and value > 0 else "−" if signed and value < 0 else ""
    unit = "$" if currency == "USD" else f"{currency} "
    return f"{sign}{unit}{abs(value):,.2f}"


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    if len(text) > MAX_VALUE:
        text = text[: MAX_VALUE - 1] + "…"
    return "`" + text.replace("|", "\\|").replace("`", "'").replace("\n", " ") + "`"


def diff_markdown(diff: PlanDiff) -> str:
    """The diff as Markdown: a headline with counts and the cost delta, a table of resources, then changed inputs."""
    lines = [f"### Plan diff: {diff.environment}", ""]
    if not diff.has_changes:
        lines.append(f"No changes: the plan matches `{diff.old_source}` ({diff.unchanged} resources).")
        return "\n".join(lines) + "\n"
    cost = f"{money(diff.monthly_cost_delta, diff.currency, signed=True)}/month"
    lines.append(
        f"**{len(diff.added)} to add, {len(diff.removed)} to remove, {len(diff.changed)} to change ({len(diff.replaced)} replaced)**, "
        f"{diff.unchanged} unchanged · cost {cost} ({money(diff.monthly_cost_before, diff.currency)} → {money(diff.monthly_cost_after, diff.currency)})"
    )
    lines += ["", "| change | resource | type | layer | region | monthly |", "| --- | --- | --- | --- | --- | ---: |"]
    rows: list[tuple[str, ResourceRef, str]] = []
    rows += [("add", r, money(r.monthly_cost, diff.currency)) for r in diff.added]
    rows += [("remove", r, money(-(r.monthly_cost or 0), diff.currency, signed=True) if r.monthly_cost else "–") for r in diff.removed]
    for c in diff.changed:
        delta = None if c.monthly_cost is None and c.monthly_cost_before is None else (c.monthly_cost or 0) - (c.monthly_cost_before or 0)
        rows.append((c.action, c, money(delta, diff.currency, signed=True) if delta else "–"))
    for action, r, amount in rows:
        lines.append(f"| {SYMBOL[action]} | `{r.name}` | `{r.type}` | {r.layer} | {r.region or '–'} | {amount} |")
    if diff.changed:
        lines += ["", "<details><summary>Changed inputs</summary>", ""]
        for c in diff.changed:
            lines += [f"#### `{c.name}` ({c.action})", "", "| input | old | new | |", "| --- | --- | --- | --- |"]
            for f in c.changes:
                note = "forces replacement" if f.forces_replacement else ("secret, redacted" if f.secret else "")
                lines.append(f"| `{f.path}` | {_cell(f.old)} | {_cell(f.new)} | {note} |")
            lines.append("")
        lines.append("</details>")
    return "\n".join(lines) + "\n"


def cost_markdown(estimate: CostEstimate, *, top: int = 10) -> str:
    """The estimate as Markdown: total and range, per layer and region, the top items, assumptions and unpriced resources."""
    c = estimate.currency
    lines = [
        f"### Estimated monthly cost: {money(estimate.monthly_total, c)}",
        "",
        f"Range with autoscaling from minimum to maximum size: {money(estimate.monthly_min, c)} – {money(estimate.monthly_max, c)}. "
        f"List prices of table {estimate.price_table_version} ({estimate.prices_as_of}); no discounts, taxes or support plan.",
        "",
        "| layer | monthly |", "| --- | ---: |",
    ]
    lines += [f"| {layer} | {money(v, c)} |" for layer, v in estimate.by_layer.items()]
    lines += ["", "| region | monthly |", "| --- | ---: |"] + [f"| {r} | {money(v, c)} |" for r, v in estimate.by_region.items()]
    lines += ["", f"**Top {top}**", "", "| resource | type | region | monthly | how |", "| --- | --- | --- | ---: | --- |"]
    for item in estimate.top(top):
        how = "; ".join(item.basis) + (" (usage assumed)" if item.usage_priced else "")
        lines.append(f"| `{item.name}` | `{item.type}` | {item.region} | {money(item.monthly, c)} | {how} |")
    if estimate.assumptions:
        lines += ["", "<details><summary>Usage assumptions</summary>", ""] + [f"- {a}" for a in estimate.assumptions] + ["", "</details>"]
    if estimate.unpriced:
        lines += ["", f"**Not priced ({len(estimate.unpriced)})**: not counted in the total.", ""]
        lines += [f"- `{u.name}` (`{u.type}`): {u.reason}" for u in estimate.unpriced]
    return "\n".join(lines) + "\n"
