"""What changed between two plans: resources added, removed and changed (inputs side by side), replacements, cost delta."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from platformctl.plan.cost import estimate_cost
from platformctl.plan.model import SECRET_MARKER, Plan, PlanResource, is_unknown
from platformctl.plan.replacements import forces_replacement

# Input names whose values are secret even where a plan (hand-edited, or from an older version) shows them in clear.
SECRET_NAMES = ("password", "secret", "token", "privatekey", "apikey", "authtoken")


class ResourceRef(BaseModel):
    urn: str
    type: str
    name: str
    layer: str
    region: str | None = None
    monthly_cost: float | None = None


class FieldChange(BaseModel):
    """One input, old and new, secrets already redacted."""

    path: str
    old: Any = None
    new: Any = None
    secret: bool = False
    forces_replacement: bool = False


class ResourceChange(ResourceRef):
    action: Literal["update", "replace"]
    changes: list[FieldChange] = Field(default_factory=list)
    monthly_cost_before: float | None = None


class PlanDiff(BaseModel):
    """The difference between an older plan of an environment and this one."""

    environment: str
    old_source: str
    new_source: str
    added: list[ResourceRef] = Field(default_factory=list)
    removed: list[ResourceRef] = Field(default_factory=list)
    changed: list[ResourceChange] = Field(default_factory=list)
    unchanged: int = 0
    monthly_cost_before: float = 0.0
    monthly_cost_after: float = 0.0
    currency: str = "USD"

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def monthly_cost_delta(self) -> float:
        return round(self.monthly_cost_after - self.monthly_cost_before, 2)

    @property
    def replaced(self) -> list[ResourceChange]:
        return [c for c in self.changed if c.action == "replace"]


def _cloud(plan: Plan) -> dict[str, PlanResource]:
    return {r.urn: r for r in plan.resources() if r.custom and not r.type.startswith("pulumi:")}


def compare_plans(old: Plan, new: Plan) -> PlanDiff:
    """Compare two plans of the same environment, resource by resource (matched by URN).

    A secret's value is never in a plan, so a secret whose value alone changed cannot be seen here.
    """
    before, after = _cloud(old), _cloud(new)
    cost_old, cost_new = estimate_cost(old), estimate_cost(new)
    price_old = {i.urn: i.monthly for i in cost_old.items}
    price_new = {i.urn: i.monthly for i in cost_new.items}
    diff = PlanDiff(environment=new.environment, old_source=old.source, new_source=new.source, currency=cost_new.currency,
                    monthly_cost_before=cost_old.monthly_total, monthly_cost_after=cost_new.monthly_total)
    for urn in sorted(after.keys() - before.keys()):
        diff.added.append(_ref(after[urn], price_new.get(urn)))
    for urn in sorted(before.keys() - after.keys()):
        diff.removed.append(_ref(before[urn], price_old.get(urn)))
    for urn in sorted(before.keys() & after.keys()):
        changes = _field_changes(before[urn], after[urn])
        if not changes:
            diff.unchanged += 1
            continue
        replace = any(c.forces_replacement for c in changes)
        diff.changed.append(ResourceChange(**_ref(after[urn], price_new.get(urn)).model_dump(), action="replace" if replace else "update",
                                           changes=changes, monthly_cost_before=price_old.get(urn)))
    return diff


def _ref(resource: PlanResource, monthly: float | None) -> ResourceRef:
    return ResourceRef(urn=resource.urn, type=resource.type, name=resource.name, layer=resource.layer, region=resource.region, monthly_cost=monthly)


def _field_changes(old: PlanResource, new: PlanResource) -> list[FieldChange]:
    flat_old, flat_new = _flatten(old.inputs), _flatten(new.inputs)
    changes = []
    for path in sorted(flat_old.keys() | flat_new.keys()):
        a, b = flat_old.get(path), flat_new.get(path)
        if a == b:
            continue
        secret = SECRET_MARKER in (a, b) or (_secret_name(path) and any(isinstance(v, str) and not is_unknown(v) for v in (a, b)))
        shown_a, shown_b = (_redact(a), _redact(b)) if secret else (a, b)
        changes.append(FieldChange(path=path, old=shown_a, new=shown_b, secret=secret, forces_replacement=forces_replacement(new.type, path, a, b)))
    if old.provider != new.provider:
        # another provider means another region or account: Pulumi replaces the resource
        changes.append(FieldChange(path="(provider)", old=old.provider, new=new.provider, forces_replacement=True))
    return changes


def _flatten(value: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted paths; lists stay whole values (their order is part of their meaning)."""
    flat: dict[str, Any] = {}
    for key, item in value.items():
        path = f"{prefix}{key}"
        if isinstance(item, dict) and item:
            flat.update(_flatten(item, path + "."))
        else:
            flat[path] = item
    return flat


def _secret_name(path: str) -> bool:
    last = path.rsplit(".", 1)[-1].lower().replace("_", "")
    return any(word in last for word in SECRET_NAMES)


def _redact(value: Any) -> Any:
    return None if value is None else SECRET_MARKER
