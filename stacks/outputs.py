"""Exports and typed readers over StackReferences, checked against the output names of stacks/layer_table.py.

A layer exports with `export_outputs(Layer.X, {...})`, which refuses names the table does not declare; a
downstream layer reads with `reference(Layer.X).get("name")`, which refuses them too. So a typo is
an error at plan time, not a silently missing value in the cloud.
"""

from __future__ import annotations

from typing import Any

import pulumi

from stacks.layer_table import OUTPUTS, Layer


def export_outputs(layer: Layer, values: dict[str, Any]) -> None:
    """Export a layer's stack outputs, refusing names that stacks/layer_table.py does not declare."""
    unknown = sorted(set(values) - set(OUTPUTS[layer]))
    if unknown:
        raise ValueError(f"{layer.project} exports undeclared outputs {unknown}: declare them in stacks/layer_table.py")
    for name, value in values.items():
        pulumi.export(name, value)


class LayerReference:
    """Typed access to another layer's outputs in the same environment (stack)."""

    def __init__(self, layer: Layer):
        self.layer = layer
        # Stacks are named after the environment in every project; the org is the backend's.
        self._ref = pulumi.StackReference(f"{pulumi.get_organization()}/{layer.project}/{pulumi.get_stack()}")

    def get(self, name: str) -> pulumi.Output[Any]:
        """The output `name` of the referenced layer (an error if not declared)."""
        if name not in OUTPUTS[self.layer]:
            raise KeyError(f"{self.layer.project} declares no output {name!r}: see stacks/layer_table.py")
        return self._ref.require_output(name)


_REFERENCES: dict[tuple[int, Layer], LayerReference] = {}


def reference(layer: Layer) -> LayerReference:
    """One StackReference per referenced layer and program run (a run is keyed by its root stack)."""
    from pulumi.runtime.settings import get_root_resource

    key = (id(get_root_resource()), layer)
    if key not in _REFERENCES:
        _REFERENCES[key] = LayerReference(layer)
    return _REFERENCES[key]
