"""The CrossGuard pack runs the very rule functions of plan evaluation, on the same inputs, and reports the same failures."""

from __future__ import annotations

import json
import os
import runpy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from platformctl.config.env_vars import POLICY_CONTEXT
from platformctl.plan.model import Plan, PlanResource
from platformctl.policies.context import context_for
from platformctl.policies.crossguard import pack_path
from platformctl.policies.crossguard.validators import context_from_env, context_to_env, policy_specs
from platformctl.policies.evaluate import Status, evaluate, views
from platformctl.policies.model import Outcome, PolicyContext, ResourceView, Rule
from platformctl.policies.rules import ALL_RULES
from tests.policies.conftest import sample_platform
from tests.policies.mutations import MUTATIONS

Call = tuple[str, str]


def recording(calls: list[Call]) -> list[Rule]:
    """The rule set with every check wrapped to record what it was called with, then call the original."""
    wrapped = []
    for rule in ALL_RULES:
        if rule.check is not None:
            def check(type_token: str, inputs: Mapping[str, Any], _rule: Rule = rule) -> str | None:
                calls.append((_rule.id, f"{type_token} {json.dumps(inputs, sort_keys=True)}"))
                assert _rule.check is not None
                return _rule.check(type_token, inputs)

            wrapped.append(replace(rule, check=check))
        else:
            def check_stack(resources: Sequence[ResourceView], context: PolicyContext, _rule: Rule = rule) -> Iterable[Outcome]:
                seen = sorted(f"{r.type} {r.name} {r.region} {json.dumps(r.inputs, sort_keys=True)}" for r in resources)
                calls.append((_rule.id, json.dumps([seen, repr(context)])))
                assert _rule.check_stack is not None
                return _rule.check_stack(resources, context)

            wrapped.append(replace(rule, check_stack=check_stack))
    return wrapped


def crossguard_resource(resource: PlanResource, context: PolicyContext) -> SimpleNamespace:
    """A resource as CrossGuard hands it to a validator: type, camelCase props, urn, name, and its provider."""
    provider = None if resource.region == context.primary_region else SimpleNamespace(props={"region": resource.region})
    return SimpleNamespace(resource_type=resource.type, props=resource.inputs, urn=resource.urn, name=resource.name, provider=provider)


def run_pack(plan: Plan, context: PolicyContext, rules: Sequence[Rule]) -> list[tuple[str, str]]:
    """Every policy of the pack over the plan's resources as `pulumi preview` would call them; the violations reported."""
    violations: list[tuple[str, str]] = []
    resources = [crossguard_resource(r, context) for r in plan.resources() if r.custom and not r.type.startswith("pulumi:")]
    for spec in policy_specs(context, rules):
        def report(message: str, urn: str | None = None, _name: str = spec.name) -> None:
            violations.append((_name.upper(), message.split(":")[0].split(" ", 1)[1]))

        if spec.kind == "resource":
            for resource in resources:
                spec.validate(resource, report)
        else:
            spec.validate(SimpleNamespace(resources=resources), report)
    return violations


@pytest.fixture(scope="module")
def violating_plan(full_plan: Callable[[str], Plan]) -> Plan:
    plan = full_plan("prod").model_copy(deep=True)
    for rule_id in ("NET-004", "DR-004", "LOG-003", "EAR-009"):
        MUTATIONS[rule_id](plan)
    return plan


def test_the_pack_calls_the_same_functions_with_the_same_inputs(violating_plan: Plan) -> None:
    context = context_for(sample_platform().platform, "prod")
    from_plan: list[Call] = []
    report = evaluate(views(violating_plan.resources()), context, rules=recording(from_plan), today=date(2026, 12, 4))
    from_pack: list[Call] = []
    violations = run_pack(violating_plan, context, recording(from_pack))
    assert len(from_plan) > 300 and sorted(from_plan) == sorted(from_pack), "CrossGuard and plan evaluation must call each check identically"
    failing = sorted((v.rule, v.resource) for v in report.verdicts if v.status is Status.FAIL)
    assert sorted(violations) == failing and {r for r, _ in failing} == {"NET-004", "DR-004", "LOG-003", "EAR-009"}


def test_production_only_rules_stay_silent_outside_production(full_plan: Callable[[str], Plan]) -> None:
    plan = full_plan("dev").model_copy(deep=True)
    MUTATIONS["AV-005"](plan)  # single-replica Redis is fine in dev
    assert run_pack(plan, context_for(sample_platform().platform, "dev"), ALL_RULES) == []


def test_the_context_travels_to_the_pack_through_its_environment_variable() -> None:
    context = context_for(sample_platform().platform, "prod")
    assert context_from_env(context_to_env(context)) == context


def test_the_pack_folder_ships_with_the_package_and_pins_pulumi_policy() -> None:
    folder = pack_path()
    assert (folder / "PulumiPolicy.yaml").read_text().count("name: python") == 1
    assert "pulumi-policy==1.21.0" in (folder / "requirements.txt").read_text().splitlines()


def test_the_pack_entry_point_registers_every_rule_as_a_pulumi_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        import pulumi_policy
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("pulumi-policy is not installed: scripts/test.sh installs the pack's requirements for this test")
        pytest.skip("pulumi-policy is not installed here: pip install --no-deps -r platformctl/policies/crossguard/pack/requirements.txt")
    packs: list[dict[str, Any]] = []
    # PolicyPack starts the gRPC server the Pulumi engine talks to: capture its arguments instead.
    monkeypatch.setattr(pulumi_policy, "PolicyPack", lambda **kwargs: packs.append(kwargs))
    monkeypatch.setenv(POLICY_CONTEXT, context_to_env(context_for(sample_platform().platform, "prod")))
    runpy.run_path(str(pack_path() / "__main__.py"), run_name="__main__")
    [pack] = packs
    policies = {p.name: p for p in pack["policies"]}
    assert set(policies) == {r.id.lower() for r in ALL_RULES}
    for rule in ALL_RULES:
        policy = policies[rule.id.lower()]
        expected = pulumi_policy.ResourceValidationPolicy if rule.check is not None else pulumi_policy.StackValidationPolicy
        assert isinstance(policy, expected), f"{rule.id}: wrong policy kind"
        assert policy.enforcement_level.value == rule.severity.value, f"{rule.id}: enforcement follows severity"
