"""How a plan looks on a terminal, in a pipe or a file: a tree of components and resources per layer, then a
summary table with a total per layer.

Nothing is ever cut: each part is drawn at the wider of the console's width and its own natural width, so a
type token is never shortened with "…" (two different rows would look the same), and a pipe or file gets
one resource per line at whatever width that takes, not the 80 columns rich assumes off a terminal.
"""

from __future__ import annotations

from itertools import groupby

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from platformctl.plan.model import LayerPlan, Plan, PlanResource
from platformctl.plan.summary import resource_count, summarize


def print_plan(console: Console, plan: Plan, *, trees: bool = True) -> None:
    """Draw the plan: the tree of each layer (unless `trees` is off), then the summary table."""
    parts: list[RenderableType] = [layer_tree(layer) for layer in plan.layers] if trees else []
    for part in [*parts, summary_table(plan)]:
        print_uncut(console, part)


def print_uncut(console: Console, renderable: RenderableType) -> None:
    """Print at the wider of the console's width and the renderable's natural width: nothing is cropped or elided."""
    natural = console.measure(renderable, options=console.options.update_width(10_000)).maximum
    width = console.width
    console.width = max(width, natural)  # print(width=…) only narrows: widen the console for this one part
    try:
        console.print(renderable, crop=False)
    finally:
        console.width = width


def layer_tree(layer: LayerPlan) -> Tree:
    """Components with their children; providers and references shown where the program made them."""
    count = sum(1 for r in layer.resources if r.custom and not r.type.startswith("pulumi:"))
    tree = Tree(Text(f"{layer.project} ({layer.stack}): {count} resources", style="bold"))
    nodes: dict[str, Tree] = {}
    children: dict[str | None, list[PlanResource]] = {}
    urns = {r.urn for r in layer.resources}
    for resource in layer.resources:
        parent = resource.parent if resource.parent in urns else None
        children.setdefault(parent, []).append(resource)

    def add(branch: Tree, parent: str | None) -> None:
        for resource in children.get(parent, []):
            label = Text(resource.name, style="bold" if not resource.custom else "")
            label.append(f"  {resource.type}", style="dim")
            if resource.region and resource.custom:
                label.append(f"  [{resource.region}]")
            if resource.protect:
                label.append("  protected")
            nodes[resource.urn] = branch.add(label)
            add(nodes[resource.urn], resource.urn)

    add(tree, None)
    return tree


def summary_table(plan: Plan) -> Table:
    """Counts per layer, type and region, each layer closed by its total."""
    rows = summarize(plan)
    layers = len({row.layer for row in rows})
    table = Table(title=f"Plan for {plan.environment}: {resource_count(plan)} resources in {layers} layers", title_justify="left")
    table.add_column("layer", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("region", no_wrap=True)
    table.add_column("count", justify="right", no_wrap=True)
    for layer, group in groupby(rows, key=lambda row: row.layer):
        members = list(group)
        for row in members:
            table.add_row(row.layer, row.type, row.region, str(row.count))
        table.add_row(layer, f"{layer} total", "", str(sum(row.count for row in members)), style="bold", end_section=True)
    return table
