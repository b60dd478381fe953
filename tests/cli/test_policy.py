"""`platformctl policy` and the verdicts of `plan`: listing, explaining, checking saved plans, exit 4, waivers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from platformctl.config.sample import sample_text
from platformctl.plan.model import Plan
from tests.cli.runner import run
from tests.policies.mutations import MUTATIONS
from tests.stacks.conftest import full_plan

__all__ = ["full_plan"]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def public_database_plan(full_plan: Callable[[str], Plan], in_tmp: Path) -> Path:
    plan = full_plan("prod").model_copy(deep=True)
    MUTATIONS["NET-004"](plan)
    path = in_tmp / "plan.json"
    path.write_text(plan.to_json())
    return path


def test_policy_list_json_names_every_rule_with_its_equivalents(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "policy", "list", "--json")
    assert result.code == 0, result.stderr
    rules = {r["id"]: r for r in json.loads(result.stdout)}
    assert len(rules) >= 40
    assert rules["NET-004"]["checkov"] == ["CKV_AWS_17"] and rules["NET-004"]["awsguard"] == "rds-instance-public-access-check"
    assert rules["DR-001"]["cross_resource"] is True and rules["DR-001"]["production_only"] is True


def test_policy_list_table(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "policy", "list")
    assert result.code == 0 and "EAR-001" in result.stdout and "CKV_AWS_16" in result.stdout


def test_policy_explain_says_what_and_how_to_fix(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "policy", "explain", "net-004")
    assert result.code == 0, result.stderr
    assert "RDS instances are not publicly accessible" in result.stdout and "Fix: Set publiclyAccessible=False" in result.stdout
    assert "CKV_AWS_17" in result.stdout


def test_policy_explain_of_an_unknown_rule_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "policy", "explain", "NET-404")
    assert result.code == 2 and "no policy rule 'NET-404'" in result.stderr and "policy list" in result.stderr
    assert "Traceback" not in result.stderr


def test_policy_check_fails_with_exit_4_and_shows_the_failure_first(capsys: pytest.CaptureFixture[str], public_database_plan: Path) -> None:
    result = run(capsys, "policy", "check", str(public_database_plan))
    assert result.code == 4, result.stderr
    assert "mandatory policy check(s) failed in prod" in result.stderr and "--policy-level advisory" in result.stderr
    assert "NET-004" in result.stdout and "postgres-primary" in result.stdout and "publiclyAccessible=False" in result.stdout


def test_policy_check_json_lists_failures_first(capsys: pytest.CaptureFixture[str], public_database_plan: Path) -> None:
    result = run(capsys, "policy", "check", str(public_database_plan), "--json", "--policy-level", "advisory")
    assert result.code == 0, result.stderr
    verdicts = json.loads(result.stdout)["verdicts"]
    assert verdicts[0]["status"] == "fail" and verdicts[0]["resource"] == "postgres-primary"
    assert {v["status"] for v in verdicts[1:]} <= {"fail", "pass"}


def test_a_waiver_in_platform_yaml_shows_in_the_verdict(capsys: pytest.CaptureFixture[str], public_database_plan: Path) -> None:
    (public_database_plan.parent / "platform.yaml").write_text(
        sample_text() + "policies:\n  waivers:\n"
        "    - {rule: NET-004, resource: postgres-primary, reason: vendor migration until the cut-over, expires: 2999-01-01}\n"
    )
    result = run(capsys, "policy", "check", str(public_database_plan), "--json")
    assert result.code == 0, result.stderr
    waived = [v for v in json.loads(result.stdout)["verdicts"] if v["rule"] == "NET-004" and v["resource"] == "postgres-primary"]
    assert waived[0]["status"] == "waived" and "vendor migration" in waived[0]["waiver"]


def test_a_waiver_for_an_unknown_rule_is_a_config_error(capsys: pytest.CaptureFixture[str], public_database_plan: Path) -> None:
    (public_database_plan.parent / "platform.yaml").write_text(
        sample_text() + "policies:\n  waivers:\n    - {rule: NET-404, resource: postgres-primary, reason: a typo in the rule id, expires: 2999-01-01}\n"
    )
    result = run(capsys, "policy", "check", str(public_database_plan))
    assert result.code == 2 and "waives a policy rule that does not exist" in result.stderr and "NET-404" in result.stderr


def test_policy_check_of_a_file_that_is_not_a_plan(capsys: pytest.CaptureFixture[str], in_tmp: Path) -> None:
    (in_tmp / "nope.json").write_text('{"hello": 1}')
    result = run(capsys, "policy", "check", "nope.json")
    assert result.code == 2 and "not a platformctl plan document" in result.stderr and "Traceback" not in result.stderr


def test_plan_exits_4_on_a_mandatory_failure_and_advisory_reports_it(capsys: pytest.CaptureFixture[str], in_tmp: Path) -> None:
    head, prod = sample_text().split("\n  prod:\n", 1)
    (in_tmp / "platform.yaml").write_text(f"{head}\n  prod:\n{prod.replace('multi_az: true', 'multi_az: false', 1)}")
    failed = run(capsys, "plan", "--env", "prod", "--layer", "data", "--json")
    assert failed.code == 4, failed.stderr
    verdicts = json.loads(failed.stdout)["policy"]["verdicts"]
    assert verdicts[0]["rule"] == "AV-001" and verdicts[0]["status"] == "fail", "failures come first"
    assert not [v for v in verdicts if v["rule"].startswith("DR-")], "a partial plan skips the rules that span layers"
    advisory = run(capsys, "plan", "--env", "prod", "--layer", "data", "--policy-level", "advisory")
    assert advisory.code == 0, advisory.stderr
    assert "AV-001" in advisory.stdout and "FAIL (mandatory)" in advisory.stdout


def test_a_bad_policy_level_is_refused_before_planning(capsys: pytest.CaptureFixture[str], in_tmp: Path) -> None:
    result = run(capsys, "plan", "--policy-level", "strict")
    assert result.code == 2 and "not a policy level" in result.stderr and "planning" not in result.stderr


def test_plan_exports_the_terraform_plan_shape(capsys: pytest.CaptureFixture[str], in_tmp: Path) -> None:
    result = run(capsys, "plan", "--env", "dev", "--layer", "messaging", "--format", "terraform-plan", "--out", "tf.json")
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["format_version"] == "1.2" and (in_tmp / "tf.json").read_text() == result.stdout
    assert {c["type"] for c in document["resource_changes"]} >= {"aws_sqs_queue", "aws_sns_topic"}


def test_an_unknown_format_is_refused(capsys: pytest.CaptureFixture[str], in_tmp: Path) -> None:
    result = run(capsys, "plan", "--format", "hcl")
    assert result.code == 2 and "There is no --format" in result.stderr


def test_plan_writes_the_compliance_report(capsys: pytest.CaptureFixture[str], in_tmp: Path) -> None:
    result = run(capsys, "plan", "--env", "dev", "--layer", "messaging", "--report", "r.md")
    assert result.code == 0, result.stderr
    assert "Wrote the compliance report to r.md" in result.stderr
    assert "# Compliance report: acme dev" in (in_tmp / "r.md").read_text()


def test_a_report_name_that_is_not_md_or_html_is_refused_before_planning(capsys: pytest.CaptureFixture[str], in_tmp: Path) -> None:
    result = run(capsys, "plan", "--report", "r.pdf")
    assert result.code == 2 and ".md or .html" in result.stderr and "planning" not in result.stderr and not (in_tmp / "r.pdf").exists()
