"""Evaluating the rule set over a plan's resources: one verdict per rule and resource, waivers applied."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from platformctl.plan.model import Plan, PlanResource
from platformctl.policies.model import PolicyContext, ResourceView, Rule, Severity
from platformctl.policies.rules import ALL_RULES
from platformctl.policies.waivers import Waiver, find_waiver


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WAIVED = "waived"


class Verdict(BaseModel):
    """One rule's outcome for one resource."""

    rule: str
    title: str
    control: str
    severity: Severity
    resource: str
    resource_type: str
    status: Status
    message: str | None = None
    remediation: str
    waiver: str | None = None


class PolicyReport(BaseModel):
    """Every verdict of an evaluation; failures first."""

    environment: str
    verdicts: list[Verdict] = Field(default_factory=list)

    def failures(self, severity: Severity | None = None) -> list[Verdict]:
        return [v for v in self.verdicts if v.status is Status.FAIL and (severity is None or v.severity is severity)]

    @property
    def blocking(self) -> bool:
        """Whether a mandatory rule failed (an expired waiver counts as a failure)."""
        return bool(self.failures(Severity.MANDATORY))


def views(resources: Iterable[PlanResource]) -> list[ResourceView]:
    """Plan resources as the rules read them (components and providers hold no settings of their own)."""
    return [ResourceView(r.type, r.name, r.urn, r.inputs, r.region) for r in resources if r.custom and not r.type.startswith("pulumi:")]


def run_rule(rule: Rule, resources: Sequence[ResourceView], context: PolicyContext) -> list[tuple[ResourceView, str | None]]:
    """The rule's outcomes, whatever its kind: the single place a rule's check is called on plan resources."""
    if rule.check is not None:
        wanted = set(rule.resource_types)
        return [(r, rule.check(r.type, r.inputs)) for r in resources if r.type in wanted]
    assert rule.check_stack is not None
    return list(rule.check_stack(resources, context))


def evaluate(
    resources: Sequence[ResourceView],
    context: PolicyContext,
    *,
    waivers: Sequence[Waiver] = (),
    today: date,
    rules: Sequence[Rule] = ALL_RULES,
) -> PolicyReport:
    """Run every rule that applies to the environment; failures first, then waived, then passes."""
    verdicts: list[Verdict] = []
    for rule in rules:
        if not rule.applies(context):
            continue
        for resource, message in run_rule(rule, resources, context):
            status, note = Status.PASS, None
            if message is not None:
                status = Status.FAIL
                waiver = find_waiver(waivers, rule.id, resource.name)
                if waiver is not None and waiver.expires >= today:
                    status, note = Status.WAIVED, f"waived until {waiver.expires}: {waiver.reason}"
                elif waiver is not None:
                    note = f"the waiver expired on {waiver.expires}"
            verdicts.append(Verdict(
                rule=rule.id, title=rule.title, control=rule.control.value, severity=rule.severity, resource=resource.name,
                resource_type=resource.type, status=status, message=message, remediation=rule.remediation, waiver=note,
            ))
    order = {Status.FAIL: 0, Status.WAIVED: 1, Status.PASS: 2}
    verdicts.sort(key=lambda v: (order[v.status], v.severity is not Severity.MANDATORY, v.rule, v.resource))
    return PolicyReport(environment=context.environment, verdicts=verdicts)


def evaluate_plan(plan: Plan, context: PolicyContext, *, waivers: Sequence[Waiver] = (), today: date) -> PolicyReport:
    return evaluate(views(plan.resources()), context, waivers=waivers, today=today)
