"""A real preview turned into the plan document that `plan` writes, so whatever reads plans reads previews."""

from __future__ import annotations

from typing import Any

from platformctl.engines.base import LayerInput
from platformctl.engines.cloud.event_stream import STACK_TYPE, PlannedStep
from platformctl.plan.model import SECRET_MARKER, UNKNOWN_PREFIX, LayerPlan, PlanResource

# The engine's marker for a value not known until apply (sdk/go/common/resource/properties.go, UnknownStringValue).
UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# What the CLI's JSON display shows for a secret value.
SECRET_TEXT = "[secret]"
_ABSENT_AFTER = {"delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace"}


def layer_plan(layer: LayerInput, *, stack: str, steps: list[PlannedStep], region: str) -> LayerPlan:
    """The resources a preview would leave in place or create, in the plan's shape; unknowns stay unknown."""
    resources: list[PlanResource] = []
    outputs: dict[str, Any] = {}
    for step in steps:
        if step.op in _ABSENT_AFTER or step.new is None:
            continue
        name = step.urn.rsplit("::", 1)[-1]
        if step.type == STACK_TYPE:
            outputs = {k: _value(v, f"{layer.name}.{k}") for k, v in sorted(step.new["outputs"].items())}
            continue
        resources.append(
            PlanResource(
                urn=step.urn,
                type=step.type,
                name=name,
                layer=layer.name,
                region=region,
                custom=step.new["custom"],
                parent=step.new["parent"],
                provider=step.new["provider"],
                protect=step.new["protect"],
                inputs={k: _value(v, f"{name}.{k}") for k, v in step.new["inputs"].items()},
            )
        )
    return LayerPlan(
        name=layer.name,
        project=layer.project,
        stack=stack,
        depends_on=list(layer.depends_on),
        resources=sorted(resources, key=lambda r: r.urn),
        outputs=outputs,
    )


def _value(value: Any, label: str) -> Any:
    if value == UNKNOWN_SENTINEL:
        return f"{UNKNOWN_PREFIX}{label})"
    if value == SECRET_TEXT:
        return SECRET_MARKER
    if isinstance(value, dict):
        return {k: _value(v, f"{label}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_value(v, f"{label}[{i}]") for i, v in enumerate(value)]
    return value
