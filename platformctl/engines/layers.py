"""The layer graph read from the one layer table (stacks/layer_table.py): lookup, dependency closure, order."""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING

from platformctl.errors import UsageError

if TYPE_CHECKING:
    from stacks.layer_table import LayerDefinition


@cache
def layer_table() -> tuple[LayerDefinition, ...]:
    """The table, imported from the bundled stacks folder (pure data: no Pulumi import)."""
    from platformctl.paths import stacks_import_root

    root = str(stacks_import_root())
    if root not in sys.path:
        sys.path.insert(0, root)
    from stacks.layer_table import LAYER_TABLE

    return LAYER_TABLE


def layer_names() -> list[str]:
    """Every layer's name, upstream first."""
    return [definition.name for definition in layer_table()]


def get_layer(name: str) -> LayerDefinition:
    """The table row of one layer.

    Raises:
        UsageError: there is no such layer.
    """
    for definition in layer_table():
        if definition.name == name:
            return definition
    raise UsageError(f"There is no layer '{name}'.", hint=f"Choose from: {', '.join(layer_names())}.")


def with_dependencies(selected: list[str] | None) -> list[LayerDefinition]:
    """The selected layers plus everything they need, in dependency order (every layer if none is selected).

    Raises:
        UsageError: a layer is unknown.
    """
    if not selected:
        return list(layer_table())
    wanted: set[str] = set()

    def visit(name: str) -> None:
        definition = get_layer(name)
        if name not in wanted:
            wanted.add(name)
            for dependency in definition.depends_on:
                visit(dependency.value)

    for name in selected:
        visit(name)
    return [definition for definition in layer_table() if definition.name in wanted]


def dependents_of(name: str) -> list[LayerDefinition]:
    """Every layer that reads `name`'s outputs, directly or through another layer, in table order."""
    get_layer(name)
    reached: set[str] = {name}
    for definition in layer_table():  # the table is in dependency order, so one pass reaches everything
        if any(dependency.value in reached for dependency in definition.depends_on):
            reached.add(definition.name)
    return [definition for definition in layer_table() if definition.name in reached - {name}]
