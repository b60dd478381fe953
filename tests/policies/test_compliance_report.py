"""The compliance report names every framework control, shows failures and waivers per resource, and identifies its plan."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from platformctl.errors import UsageError
from platformctl.plan.model import Plan
from platformctl.policies.compliance_report import render_html, render_markdown, report_format, write_report
from platformctl.policies.context import context_for
from platformctl.policies.evaluate import PolicyReport, evaluate_plan
from platformctl.policies.frameworks import FRAMEWORK_CONTROLS
from platformctl.policies.waivers import Waiver
from tests.policies.conftest import sample_platform
from tests.policies.mutations import MUTATIONS

WHEN = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def judged(plan: Plan, waivers: list[Waiver] | None = None) -> PolicyReport:
    return evaluate_plan(plan, context_for(sample_platform().platform, plan.environment), waivers=waivers or [], today=date(2026, 12, 4))


def test_the_report_names_every_control_and_identifies_the_plan(full_plan: Callable[[str], Plan]) -> None:
    plan = full_plan("prod")
    text = render_markdown(plan, judged(plan), generated=WHEN)
    for control in FRAMEWORK_CONTROLS:
        assert f"{control.framework} {control.id}: {control.name}" in text
    assert {"CC6.1", "CC6.6", "CC6.7", "CC7.2", "A1.2", "A1.3", "164.312(e)(1)", "Art. 32(1)(a)"} <= {c.id for c in FRAMEWORK_CONTROLS}
    assert hashlib.sha256(plan.to_json().encode()).hexdigest() in text
    assert "Environment: prod" in text and "Generated: 2026-12-04T12:00:00+00:00" in text and "built-in sample" in text
    assert "FAIL" not in text, "the sample prod plan passes every control"


def test_a_failure_and_a_waiver_show_on_their_controls_and_resources(full_plan: Callable[[str], Plan]) -> None:
    plan = full_plan("prod").model_copy(deep=True)
    MUTATIONS["NET-004"](plan)
    MUTATIONS["EIT-002"](plan)
    waiver = Waiver(rule="EIT-002", resource="redis-group", reason="client library upgrade in progress", expires=date(2027, 1, 31))
    text = render_markdown(plan, judged(plan, [waiver]), generated=WHEN)
    isolation = text.split("### SOC 2 CC6.6")[1].split("###")[0]
    assert isolation.startswith(": Protection") and "**FAIL**" in isolation and "postgres-primary: fail" in isolation
    transit = text.split("### SOC 2 CC6.7")[1].split("###")[0]
    assert "**PASS (with waivers)**" in transit and "redis-group: waived (waived until 2027-01-31: client library upgrade in progress)" in transit


def test_html_is_a_standalone_page_with_the_same_content(full_plan: Callable[[str], Plan]) -> None:
    plan = full_plan("dev")
    page = render_html(plan, judged(plan), generated=WHEN)
    assert page.startswith("<!doctype html>") and "<table>" in page and "HIPAA 164.312(b): Audit controls" in page


def test_the_format_follows_the_file_name(full_plan: Callable[[str], Plan], tmp_path: Path) -> None:
    plan = full_plan("dev")
    write_report(plan, judged(plan), tmp_path / "r.html", generated=WHEN)
    assert (tmp_path / "r.html").read_text().startswith("<!doctype html>")
    with pytest.raises(UsageError, match=r"must end in \.md or \.html"):
        report_format(tmp_path / "r.pdf")
