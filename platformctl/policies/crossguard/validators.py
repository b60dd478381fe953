"""CrossGuard validators over the rule set: the same rule functions, given CrossGuard's resources.

Nothing here imports pulumi_policy: the pack's __main__ wraps these validators in its policy classes,
so the validators are the same objects whether the pack runs or a test calls them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from platformctl.policies.model import PolicyContext, ResourceView, Rule
from platformctl.policies.rules import ALL_RULES

ReportViolation = Callable[..., None]


class CrossGuardResource(Protocol):
    """What CrossGuard gives a validator about one resource (pulumi_policy's ResourceValidationArgs / PolicyResource)."""

    resource_type: str
    props: Mapping[str, Any]
    urn: str
    name: str
    provider: Any


class CrossGuardStack(Protocol):
    resources: Sequence[CrossGuardResource]


@dataclass(frozen=True)
class PolicySpec:
    """One CrossGuard policy: a rule's id, description, enforcement, and its validator."""

    name: str
    description: str
    enforcement_level: str  # "mandatory" | "advisory"
    kind: str  # "resource" | "stack"
    validate: Callable[[Any, ReportViolation], None]


def _region(resource: CrossGuardResource, context: PolicyContext) -> str | None:
    """The region of the resource's explicit provider; the default provider is the primary region's."""
    provider = getattr(resource, "provider", None)
    props = getattr(provider, "props", None) or {}
    return str(props.get("region")) if props.get("region") else context.primary_region


def view(resource: CrossGuardResource, context: PolicyContext) -> ResourceView:
    return ResourceView(resource.resource_type, resource.name, resource.urn, resource.props, _region(resource, context))


def _resource_validator(rule: Rule, context: PolicyContext) -> Callable[[Any, ReportViolation], None]:
    check = rule.check
    assert check is not None

    def validate(args: CrossGuardResource, report_violation: ReportViolation) -> None:
        if not rule.applies(context) or args.resource_type not in rule.resource_types:
            return
        message = check(args.resource_type, args.props)
        if message is not None:
            report_violation(f"{rule.id} {args.name}: {message}. {rule.remediation}")

    return validate


def _stack_validator(rule: Rule, context: PolicyContext) -> Callable[[Any, ReportViolation], None]:
    check_stack = rule.check_stack
    assert check_stack is not None

    def validate(args: CrossGuardStack, report_violation: ReportViolation) -> None:
        if not rule.applies(context):
            return
        resources = [view(r, context) for r in args.resources if not r.resource_type.startswith("pulumi:")]
        for resource, message in check_stack(resources, context):
            if message is not None:
                report_violation(f"{rule.id} {resource.name}: {message}. {rule.remediation}", resource.urn)

    return validate


def policy_specs(context: PolicyContext, rules: Sequence[Rule] = ALL_RULES) -> list[PolicySpec]:
    """One policy per rule, named by its id in lower case (CrossGuard names are lower-case)."""
    specs = []
    for rule in rules:
        kind = "resource" if rule.check is not None else "stack"
        validate = _resource_validator(rule, context) if kind == "resource" else _stack_validator(rule, context)
        specs.append(PolicySpec(rule.id.lower(), f"{rule.title} ({rule.control.value})", rule.severity.value, kind, validate))
    return specs


def context_to_env(context: PolicyContext) -> str:
    """The value of PLATFORMCTL_POLICY_CONTEXT that tells the pack which environment it judges."""
    return json.dumps(asdict(context), sort_keys=True)


def context_from_env(value: str) -> PolicyContext:
    return PolicyContext(**json.loads(value))
