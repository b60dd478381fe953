"""How policy verdicts look: failures first with their resource and remediation, then a count per status."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from platformctl.plan.model import Plan
from platformctl.policies.evaluate import PolicyReport, Status
from platformctl.policies.model import Rule, Severity


def verdict_table(report: PolicyReport) -> Table:
    """Failures and waivers, one row each; passes are only counted (there are hundreds)."""
    table = Table(title=f"Policy verdicts: {report.environment}", title_justify="left")
    for column in ("verdict", "rule", "resource", "why and how to fix"):
        table.add_column(column, overflow="fold")
    for v in report.verdicts:
        if v.status is Status.PASS:
            continue
        verdict = f"FAIL ({v.severity.value})" if v.status is Status.FAIL else "WAIVED"
        detail = f"{v.message}. {v.remediation}" + (f" ({v.waiver})" if v.waiver else "")
        table.add_row(verdict, v.rule, v.resource, detail)
    return table


def show(console: Console, report: PolicyReport) -> None:
    """The failures and waivers (when there are any), then the counts."""
    if any(v.status is not Status.PASS for v in report.verdicts):
        console.print(verdict_table(report))
    console.print(summary_line(report))


def summary_line(report: PolicyReport) -> str:
    counts = {status: sum(1 for v in report.verdicts if v.status is status) for status in Status}
    mandatory = len(report.failures(Severity.MANDATORY))
    return (
        f"Policies: {counts[Status.PASS]} passed, {counts[Status.FAIL]} failed ({mandatory} of them mandatory), "
        f"{counts[Status.WAIVED]} waived, over {len({v.rule for v in report.verdicts})} rules."
    )


def plan_with_verdicts(plan: Plan, report: PolicyReport) -> str:
    """The plan document with the verdicts under "policy" (a plan reader ignores the key; `policy check` reads the plan)."""
    data = json.loads(plan.to_json())
    data["policy"] = report_data(report)
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def report_data(report: PolicyReport) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(report.model_dump_json())
    return data


def rule_data(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id, "title": rule.title, "control": rule.control.value, "severity": rule.severity.value,
        "resource_types": list(rule.resource_types), "remediation": rule.remediation, "production_only": rule.production_only,
        "cross_resource": rule.check_stack is not None, "checkov": list(rule.checkov), "awsguard": rule.awsguard,
    }


def rules_table(rules: list[Rule]) -> Table:
    table = Table(title="Policy rules", title_justify="left")
    for column in ("rule", "severity", "control", "title", "checkov / AWSGuard"):
        table.add_column(column, overflow="fold")
    for rule in rules:
        equivalents = ", ".join([*rule.checkov, *([rule.awsguard] if rule.awsguard else [])]) or "-"
        table.add_row(rule.id, rule.severity.value, rule.control.value, rule.title, equivalents)
    return table
