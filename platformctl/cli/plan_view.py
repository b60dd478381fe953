"""How a plan looks on a terminal: a tree of components and resources per layer, then a summary table."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from platformctl.plan.model import LayerPlan, Plan, PlanResource
from platformctl.plan.summary import resource_count, summarize


def layer_tree(layer: LayerPlan) -> Tree:
    """Components with their children; providers and references shown where the program made them."""
    tree = Tree(Text(f"{layer.project} ({layer.stack})", style="bold"))
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
    table = Table(title=f"Plan for {plan.environment}: {resource_count(plan)} resources", title_justify="left")
    table.add_column("layer")
    table.add_column("type")
    table.add_column("region")
    table.add_column("count", justify="right")
    for row in summarize(plan):
        table.add_row(row.layer, row.type, row.region, str(row.count))
    return table
