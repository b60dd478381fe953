"""Plans for the readers of plans (cost, diff, diagram): the sample prod plan once per session, and small crafted ones."""

from __future__ import annotations

from typing import Any

import pytest

from platformctl.plan.model import Plan, PlanResource


@pytest.fixture(scope="session")
def prod_plan() -> Plan:
    """The whole sample platform in prod, planned once per test session (about 5 s): the stack tests' cache is shared."""
    from platformctl.core.planning import build_plan
    from platformctl.engines.embedded.runner import EmbeddedEngine
    from tests.stacks.conftest import _CACHE, sample_platform

    key = ("full", "prod")
    if key not in _CACHE:
        _CACHE[key] = build_plan(engine=EmbeddedEngine(), loaded=sample_platform(), env="prod")
    return _CACHE[key]


def resource(type_: str, name: str, inputs: dict[str, Any] | None = None, *, layer: str = "data", region: str = "eu-west-1") -> PlanResource:
    """A cloud resource as the embedded engine records it."""
    return PlanResource(
        urn=f"urn:pulumi:prod::platform-{layer}::{type_}::{name}", type=type_, name=name, layer=layer, region=region, inputs=inputs or {}
    )


def crafted_plan(*resources: PlanResource, env: str = "prod") -> Plan:
    """A plan holding the given resources, grouped into their layers in order of appearance."""
    from platformctl.plan.model import LayerPlan

    layers: dict[str, LayerPlan] = {}
    for r in resources:
        layers.setdefault(r.layer, LayerPlan(name=r.layer, project=f"platform-{r.layer}", stack=env)).resources.append(r)
    return Plan(environment=env, organisation="acme", primary_region="eu-west-1", dr_region="eu-central-1", source="test", layers=list(layers.values()))
