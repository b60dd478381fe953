"""Plans of the sample platform under the mock runtime, cached for the session.

`layer_plan(layer, env)` plans one layer in isolation: its upstream layers' outputs are unknown
markers of the declared types (stacks/outputs.py), so a layer is tested on its own wiring.
`full_plan(env)` runs every layer chained, as `platformctl plan` does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from platformctl.config.loader import LoadedPlatform, parse_platform
from platformctl.config.sample import sample_text
from platformctl.core.planning import build_plan
from platformctl.engines.embedded.runner import EmbeddedEngine
from platformctl.engines.layers import get_layer
from platformctl.plan.model import LayerPlan, Plan, PlanResource

_CACHE: dict[tuple[str, ...], Plan] = {}


def sample_platform() -> LoadedPlatform:
    return LoadedPlatform(parse_platform(sample_text(), source="built-in sample"), "built-in sample", True)


def fake_layer_outputs(layer: str, loaded: LoadedPlatform) -> dict[str, Any]:
    """Unknown markers, of the declared types, for every output of one layer."""
    from stacks.outputs import OUTPUTS, Layer

    queue_names = [q.name for q in loaded.platform.messaging.queues]
    topics = list(loaded.platform.messaging.topics)
    values: dict[str, Any] = {}
    for name, kind in OUTPUTS[Layer(layer)].items():
        marker = f"(known after apply: {layer}.{name})"
        if kind is list:
            values[name] = [f"(known after apply: {layer}.{name}[{i}])" for i in range(3)]
        elif kind is dict:
            keys = topics if name == "topicArns" else queue_names
            values[name] = {k: f"(known after apply: {layer}.{name}.{k})" for k in keys}
        elif kind is int:
            values[name] = 5432
        else:
            values[name] = marker
    return values


def fake_upstream(layer: str, loaded: LoadedPlatform) -> dict[str, dict[str, Any]]:
    """Unknown markers for every declared output of the layer's direct and indirect dependencies."""
    upstream: dict[str, dict[str, Any]] = {}
    pending = list(get_layer(layer).depends_on)
    while pending:
        dep = pending.pop()
        pending.extend(get_layer(dep).depends_on)
        upstream[f"platform-{dep}"] = fake_layer_outputs(dep, loaded)
    return upstream


@pytest.fixture(scope="session")
def layer_plan() -> Callable[[str, str], LayerPlan]:
    def plan(layer: str, env: str) -> LayerPlan:
        key = ("layer", layer, env)
        if key not in _CACHE:
            loaded = sample_platform()
            _CACHE[key] = build_plan(engine=EmbeddedEngine(), loaded=loaded, env=env, layers=[layer], upstream=fake_upstream(layer, loaded))
        return _CACHE[key].layer(layer)

    return plan


@pytest.fixture(scope="session")
def full_plan() -> Callable[[str], Plan]:
    def plan(env: str) -> Plan:
        key = ("full", env)
        if key not in _CACHE:
            _CACHE[key] = build_plan(engine=EmbeddedEngine(), loaded=sample_platform(), env=env)
        return _CACHE[key]

    return plan


def of_type(layer: LayerPlan, type_token: str) -> list[PlanResource]:
    """Resources of one type; fails the test with the layer's types if there are none."""
    found = layer.by_type(type_token)
    assert found, f"{layer.name}: no {type_token} in the plan (types: {sorted({r.type for r in layer.resources})})"
    return found


def one_of_type(layer: LayerPlan, type_token: str) -> PlanResource:
    found = of_type(layer, type_token)
    assert len(found) == 1, f"{layer.name}: expected one {type_token}, found {[r.name for r in found]}"
    return found[0]


def named(layer: LayerPlan, type_token: str, name: str) -> PlanResource:
    """The one resource of a type with that logical name."""
    found = [r for r in of_type(layer, type_token) if r.name == name]
    assert len(found) == 1, f"{layer.name}: expected one {type_token} named {name}, found {[r.name for r in of_type(layer, type_token)]}"
    return found[0]


def provider_region(layer: LayerPlan, resource: PlanResource) -> str | None:
    """The region of the explicit provider a resource was created with (None: the default provider)."""
    if resource.provider is None:
        return None
    provider = [r for r in layer.resources if r.urn == resource.provider]
    assert provider, f"{resource.name}: its provider {resource.provider} is not in the plan"
    return provider[0].inputs.get("region")


class FakeConfig:
    """A `stacks.layer_settings.ConfigSource` over a dict of raw values; `requested` records every key asked for."""

    def __init__(self, values: dict[str, Any]):
        self.values = values
        self.requested: list[str] = []

    def _value(self, key: str) -> Any:
        self.requested.append(key)
        if key not in self.values:
            raise KeyError(f"config key {key!r} is not set")
        return self.values[key]

    def require(self, key: str) -> str:
        value = self._value(key)
        assert isinstance(value, str), f"{key}: a string is expected, got {value!r}"
        return value

    def require_int(self, key: str) -> int:
        value = self._value(key)
        assert isinstance(value, int) and not isinstance(value, bool), f"{key}: an integer is expected, got {value!r}"
        return value

    def require_bool(self, key: str) -> bool:
        value = self._value(key)
        assert isinstance(value, bool), f"{key}: a boolean is expected, got {value!r}"
        return value

    def require_object(self, key: str) -> Any:
        return self._value(key)


def assert_platform_tags(layer: LayerPlan, tags: dict[str, str], not_taggable: set[str] | frozenset[str], *, at_least: int) -> None:
    """Every taggable cloud resource of the layer carries every platform tag, and at least `at_least` were
    checked: a check over nothing (a type wrongly listed as not taggable, resources gone) fails too."""
    assert tags, f"{layer.name}: no platform tags to check"
    checked = 0
    for resource in layer.resources:
        if resource.custom and resource.type not in not_taggable and not resource.type.startswith("pulumi:"):
            checked += 1
            given = resource.inputs.get("tags") or {}
            missing = {k: v for k, v in tags.items() if given.get(k) != v}
            assert not missing, f"{resource.name} ({resource.type}): missing platform tags {missing}"
    assert checked >= at_least, f"{layer.name}: only {checked} taggable resources checked, expected at least {at_least}"
