"""Waivers: a valid one turns a failure into 'waived', an expired one fails, an unknown rule is a config error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from platformctl.config.loader import parse_platform
from platformctl.config.sample import sample_text
from platformctl.errors import ConfigError
from platformctl.plan.model import Plan
from platformctl.policies.context import context_for
from platformctl.policies.evaluate import Status, evaluate_plan
from platformctl.policies.rules import RULES_BY_ID
from platformctl.policies.waivers import Waiver, check_waivers, waivers_for
from tests.policies.conftest import sample_platform
from tests.policies.mutations import MUTATIONS

TODAY = date(2026, 12, 4)


@pytest.fixture(scope="module")
def public_database(full_plan: Callable[[str], Plan]) -> Plan:
    plan = full_plan("prod").model_copy(deep=True)
    MUTATIONS["NET-004"](plan)
    return plan


def verdict(plan: Plan, waivers: list[Waiver]) -> tuple[Status, str | None, bool]:
    report = evaluate_plan(plan, context_for(sample_platform().platform, "prod"), waivers=waivers, today=TODAY)
    found = [v for v in report.verdicts if v.rule == "NET-004" and v.resource == "postgres-primary"]
    assert len(found) == 1
    return found[0].status, found[0].waiver, report.blocking


def waiver(expires: date) -> Waiver:
    return Waiver(rule="NET-004", resource="postgres-primary", reason="vendor migration over the internet until cut-over", expires=expires)


def test_without_a_waiver_the_failure_blocks(public_database: Plan) -> None:
    assert verdict(public_database, [])[::2] == (Status.FAIL, True)


def test_a_valid_waiver_shows_and_does_not_block(public_database: Plan) -> None:
    status, note, blocking = verdict(public_database, [waiver(date(2026, 12, 31))])
    assert status is Status.WAIVED and not blocking
    assert note is not None and "2026-12-31" in note and "vendor migration" in note


def test_a_waiver_holds_through_its_last_day(public_database: Plan) -> None:
    assert verdict(public_database, [waiver(TODAY)])[0] is Status.WAIVED


def test_an_expired_waiver_fails(public_database: Plan) -> None:
    status, note, blocking = verdict(public_database, [waiver(date(2026, 12, 3))])
    assert status is Status.FAIL and blocking
    assert note == "the waiver expired on 2026-12-03"


def test_a_waiver_for_another_resource_waives_nothing(public_database: Plan) -> None:
    other = Waiver(rule="NET-004", resource="postgres-replica-1", reason="a different database entirely", expires=date(2027, 1, 1))
    assert verdict(public_database, [other])[0] is Status.FAIL


def test_a_waiver_for_a_rule_that_does_not_exist_is_a_config_error() -> None:
    typo = Waiver(rule="NET-404", resource="postgres-primary", reason="a rule id with a typo in it", expires=date(2027, 1, 1))
    with pytest.raises(ConfigError) as caught:
        check_waivers([waiver(date(2027, 1, 1)), typo], RULES_BY_ID)
    assert caught.value.details == ["policies.waivers.1.rule: there is no rule 'NET-404'"]
    check_waivers([waiver(date(2027, 1, 1))], RULES_BY_ID)


def test_waivers_are_read_from_platform_yaml_per_environment() -> None:
    text = sample_text() + (
        "policies:\n  waivers:\n"
        "    - {rule: LOG-009, resource: zone-zone, reason: query logs arrive with the edge rework, expires: 2027-01-31, environment: prod}\n"
    )
    platform = parse_platform(text, source="platform.yaml")
    [only] = platform.policies.waivers
    assert only.expires == date(2027, 1, 31)
    assert waivers_for(platform.policies.waivers, "prod") == [only] and waivers_for(platform.policies.waivers, "dev") == []


def test_a_waiver_without_reason_or_expiry_is_refused() -> None:
    text = sample_text() + "policies:\n  waivers:\n    - {rule: LOG-009, resource: zone-zone}\n"
    with pytest.raises(ConfigError) as caught:
        parse_platform(text, source="platform.yaml")
    joined = "\n".join(caught.value.details)
    assert "policies.waivers.0.reason" in joined and "policies.waivers.0.expires" in joined
