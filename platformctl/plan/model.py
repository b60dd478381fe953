"""The versioned plan document: layers, their resources and outputs, in a stable order."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

PLAN_SCHEMA_VERSION = 1
# A value only the cloud knows (an ID, an ARN, an endpoint) is shown as this marker, never as a made-up value.
UNKNOWN_PREFIX = "(known after apply: "
SECRET_MARKER = "[secret]"


def is_unknown(value: Any) -> bool:
    """Whether a plan value is, or contains, a value only the cloud knows."""
    return isinstance(value, str) and UNKNOWN_PREFIX in value


class PlanResource(BaseModel):
    """One resource that the layer's program registered."""

    urn: str
    type: str
    name: str
    layer: str
    region: str | None = None
    custom: bool = True
    parent: str | None = None
    provider: str | None = None
    dependencies: list[str] = Field(default_factory=list)
    protect: bool = False
    inputs: dict[str, Any] = Field(default_factory=dict)


class LayerPlan(BaseModel):
    """One Pulumi project's resources and stack outputs."""

    name: str
    project: str
    stack: str
    depends_on: list[str] = Field(default_factory=list)
    resources: list[PlanResource] = Field(default_factory=list)
    outputs: dict[str, Any] = Field(default_factory=dict)

    def by_type(self, type_token: str) -> list[PlanResource]:
        return [r for r in self.resources if r.type == type_token]


class Plan(BaseModel):
    """What `platformctl up` would build for one environment."""

    schema_version: int = PLAN_SCHEMA_VERSION
    environment: str
    organisation: str
    primary_region: str
    dr_region: str
    source: str
    layers: list[LayerPlan] = Field(default_factory=list)

    def layer(self, name: str) -> LayerPlan:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(f"the plan has no layer {name!r}")

    def resources(self) -> list[PlanResource]:
        return [r for layer in self.layers for r in layer.resources]

    def to_json(self) -> str:
        """Stable bytes: two plans of the same input are identical.

        Keys are sorted because the order of a resource's inputs depends on thread timing in the runtime.
        """
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"
