"""Every rule fires on a plan that violates it, and the sample plans pass every mandatory rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from platformctl.plan.model import Plan
from platformctl.policies.context import context_for
from platformctl.policies.evaluate import PolicyReport, Status, evaluate_plan
from platformctl.policies.model import Control, Severity
from platformctl.policies.rules import ALL_RULES, RULES_BY_ID
from tests.policies.conftest import sample_platform
from tests.policies.mutations import MUTATIONS

TODAY = date(2026, 12, 4)


def report_of(plan: Plan) -> PolicyReport:
    return evaluate_plan(plan, context_for(sample_platform().platform, plan.environment), today=TODAY)


def failing(report: PolicyReport, rule: str) -> set[str]:
    return {v.resource for v in report.verdicts if v.rule == rule and v.status is Status.FAIL}


def test_the_rule_set_covers_every_control_with_forty_rules_or_more() -> None:
    assert len(ALL_RULES) >= 40
    assert len(RULES_BY_ID) == len(ALL_RULES), "rule ids must be unique"
    assert {r.control for r in ALL_RULES} == set(Control)
    for rule in ALL_RULES:
        assert rule.title and rule.remediation.endswith("."), f"{rule.id}: a title and a remediation sentence"


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_the_sample_plans_pass_every_mandatory_rule(env: str, full_plan: Callable[[str], Plan]) -> None:
    report = report_of(full_plan(env))
    failures = [f"{v.rule} {v.resource}: {v.message}" for v in report.failures(Severity.MANDATORY)]
    assert not failures, f"{env}: mandatory rules fail on the sample plan:\n" + "\n".join(failures)
    assert len({v.rule for v in report.verdicts}) >= 30, f"{env}: most rules must have something to judge"


def test_every_rule_has_a_violating_fixture() -> None:
    assert set(MUTATIONS) == set(RULES_BY_ID)


@pytest.mark.parametrize("rule_id", sorted(RULES_BY_ID))
def test_the_rule_fires_on_its_violating_fixture(rule_id: str, full_plan: Callable[[str], Plan]) -> None:
    base = full_plan("prod")
    mutated = base.model_copy(deep=True)
    MUTATIONS[rule_id](mutated)
    before, after = failing(report_of(base), rule_id), failing(report_of(mutated), rule_id)
    assert after - before, f"{rule_id} did not fire on its fixture (failing before: {sorted(before)}, after: {sorted(after)})"


def test_production_only_rules_leave_dev_alone(full_plan: Callable[[str], Plan]) -> None:
    rules = {v.rule for v in report_of(full_plan("dev")).verdicts}
    assert not rules & {r.id for r in ALL_RULES if r.production_only}
