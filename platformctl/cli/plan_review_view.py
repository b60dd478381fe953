"""How a plan's cost estimate and diff look on a terminal (rich tables), and their JSON and Markdown forms."""

from __future__ import annotations

import json

from rich.console import Group
from rich.table import Table
from rich.text import Text

from platformctl.plan.cost import CostEstimate
from platformctl.plan.diff import PlanDiff
from platformctl.plan.markdown import money


def cost_summary(estimate: CostEstimate, *, top: int = 5, full: bool = False) -> Group:
    """The total and its range, then the dearest items; with full, also per layer and region, assumptions and unpriced items."""
    c = estimate.currency
    parts: list[Table | Text] = [Text.assemble(
        ("Estimated monthly cost: ", "bold"), (money(estimate.monthly_total, c), "bold"),
        f"  (autoscaling {money(estimate.monthly_min, c)} – {money(estimate.monthly_max, c)}; "
        f"list prices of table {estimate.price_table_version}, {estimate.prices_as_of})",
    )]
    if full:
        for title, sums in (("layer", estimate.by_layer), ("region", estimate.by_region)):
            table = Table(title=f"By {title}", title_justify="left")
            table.add_column(title)
            table.add_column("monthly", justify="right")
            for key, value in sums.items():
                table.add_row(key, money(value, c))
            parts.append(table)
    count = len(estimate.items)
    title = f"Top {top} of {count} priced resources" if count > top else f"All {count} priced resource{'s' if count != 1 else ''}"
    items = Table(title=title, title_justify="left")
    columns = ("resource", "type", "region", "monthly", "how") if full else ("resource", "type", "region", "monthly")
    for column in columns:
        items.add_column(column, justify="right" if column == "monthly" else "left", overflow="fold")
    for item in estimate.top(top):
        how = "; ".join(item.basis) + (" (usage assumed)" if item.usage_priced else "")
        items.add_row(item.name, item.type.split(":")[1], item.region, money(item.monthly, c), *([how] if full else []))
    parts.append(items)
    if full and estimate.assumptions:
        parts.append(Text("Usage assumptions: " + "; ".join(estimate.assumptions) + "."))
    if estimate.unpriced:
        listed = ", ".join(f"{u.name} ({u.reason})" for u in estimate.unpriced) if full else ", ".join(u.name for u in estimate.unpriced)
        parts.append(Text(f"Not priced, not in the total ({len(estimate.unpriced)}): {listed}."))
    if not full:
        parts.append(Text("All items, assumptions and unpriced resources: `platformctl plan --cost-only`.", style="dim"))
    return Group(*parts)


def diff_view(diff: PlanDiff) -> Group:
    """Counts and cost delta, one row per changed resource, then each change's inputs old and new side by side."""
    c = diff.currency
    if not diff.has_changes:
        return Group(Text(f"No changes: the plan matches {diff.old_source} ({diff.unchanged} resources)."))
    head = Text.assemble(
        (f"{len(diff.added)} to add, {len(diff.removed)} to remove, {len(diff.changed)} to change ({len(diff.replaced)} replaced)", "bold"),
        f", {diff.unchanged} unchanged. Cost {money(diff.monthly_cost_delta, c, signed=True)}/month "
        f"({money(diff.monthly_cost_before, c)} → {money(diff.monthly_cost_after, c)}).",
    )
    table = Table(show_header=True)
    for column in ("", "resource", "type", "layer"):
        table.add_column(column)
    for r in diff.added:
        table.add_row("+ add", r.name, r.type, r.layer)
    for r in diff.removed:
        table.add_row("- remove", r.name, r.type, r.layer)
    for ch in diff.changed:
        table.add_row("± REPLACE" if ch.action == "replace" else "~ update", ch.name, ch.type, ch.layer)
    parts: list[Table | Text] = [head, table]
    for ch in diff.changed:
        inputs = Table(title=f"{ch.name} ({ch.action})", title_justify="left")
        for column in ("input", "old", "new", ""):
            inputs.add_column(column, overflow="fold")
        for f in ch.changes:
            note = "forces replacement" if f.forces_replacement else ("secret" if f.secret else "")
            inputs.add_row(f.path, _short(f.old), _short(f.new), note)
        parts.append(inputs)
    return Group(*parts)


def diff_json(diff: PlanDiff) -> str:
    doc = diff.model_dump(mode="json")
    doc.update(has_changes=diff.has_changes, monthly_cost_delta=diff.monthly_cost_delta)
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def _short(value: object, limit: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"
