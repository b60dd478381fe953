"""The compliance report: framework controls, the rules behind them and the resources that satisfy or break them."""

from __future__ import annotations

import hashlib
import html
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from platformctl.errors import UsageError
from platformctl.plan.model import Plan
from platformctl.policies.evaluate import PolicyReport, Status, Verdict
from platformctl.policies.frameworks import FRAMEWORK_CONTROLS, FrameworkControl
from platformctl.policies.rules import ALL_RULES


def plan_digest(plan: Plan) -> str:
    """SHA-256 of the plan document's stable bytes: the identity an auditor can recompute from the saved plan."""
    return hashlib.sha256(plan.to_json().encode()).hexdigest()


def _status(verdicts: list[Verdict]) -> str:
    if any(v.status is Status.FAIL for v in verdicts):
        return "FAIL"
    if any(v.status is Status.WAIVED for v in verdicts):
        return "PASS (with waivers)"
    return "PASS" if verdicts else "NOT APPLICABLE"


def _control_section(control: FrameworkControl, by_rule: dict[str, list[Verdict]]) -> list[str]:
    rules = [r for r in ALL_RULES if r.control in control.controls and by_rule.get(r.id)]
    verdicts = [v for r in rules for v in by_rule[r.id]]
    lines = [f"### {control.framework} {control.id}: {control.name}", "",
             f"**{_status(verdicts)}**. Served by: {', '.join(c.value for c in control.controls)}.", "",
             "| rule | what it requires | result | resources |", "| --- | --- | --- | --- |"]
    for rule in rules:
        outcomes = by_rule[rule.id]
        passed = sum(1 for v in outcomes if v.status is Status.PASS)
        exceptions = [f"{v.resource}: {v.status.value}{' (' + v.waiver + ')' if v.waiver else ''}" for v in outcomes if v.status is not Status.PASS]
        result = "fail" if any(v.status is Status.FAIL for v in outcomes) else ("waived" if exceptions else "pass")
        detail = f"{passed} satisfy it" + ("; " + "; ".join(exceptions) if exceptions else "")
        lines.append(f"| {rule.id} | {rule.title} | {result} | {detail} |")
    return [*lines, ""]


def render_markdown(plan: Plan, report: PolicyReport, *, generated: datetime) -> str:
    """The report as Markdown: identity of the plan, a summary per framework, then every control with its evidence."""
    by_rule: dict[str, list[Verdict]] = defaultdict(list)
    for verdict in report.verdicts:
        by_rule[verdict.rule].append(verdict)
    failed = report.failures()
    lines = [
        f"# Compliance report: {plan.organisation} {plan.environment}",
        "",
        "This report judges the infrastructure that `platformctl up` would build, before it is built, against the platform's",
        "security controls. Each framework control below lists the checks that evidence it, whether each check holds, and",
        "on how many resources. A waiver is an exception a reviewer accepted in writing, with a reason and an end date.",
        "",
        "## The plan judged",
        "",
        f"- Environment: {plan.environment} (organisation {plan.organisation})",
        f"- Regions: primary {plan.primary_region}, disaster recovery {plan.dr_region}",
        f"- Source: {plan.source}",
        f"- Generated: {generated.isoformat(timespec='seconds')}",
        f"- Plan document SHA-256: `{plan_digest(plan)}`",
        f"- Resources: {len(plan.resources())}; checks evaluated: {len(report.verdicts)} over {len(by_rule)} rules",
        f"- Failed checks: {len(failed)}; waived: {sum(1 for v in report.verdicts if v.status is Status.WAIVED)}",
        "",
        "## Summary",
        "",
        "| framework | control | status |",
        "| --- | --- | --- |",
    ]
    for control in FRAMEWORK_CONTROLS:
        verdicts = [v for r in ALL_RULES if r.control in control.controls for v in by_rule.get(r.id, [])]
        lines.append(f"| {control.framework} | {control.id} {control.name} | {_status(verdicts)} |")
    lines += ["", "## Controls and evidence", ""]
    for control in FRAMEWORK_CONTROLS:
        lines += _control_section(control, by_rule)
    lines += ["## Known limits", "",
              "- CloudFront-scope WAF logs and Route53 query logs are kept in us-east-1, the only region AWS delivers them to.",
              "- Checks read the planned configuration; what happens at run time (who logs in, what is queried) is evidenced by the logs above.",
              ""]
    return "\n".join(lines)


def render_html(plan: Plan, report: PolicyReport, *, generated: datetime) -> str:
    """The same report as a standalone HTML page (Markdown rendered by markdown-it-py, which rich already ships)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(render_markdown(plan, report, generated=generated))
    style = "body{font-family:sans-serif;max-width:70em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #999}"
    title = html.escape(f"Compliance report: {plan.organisation} {plan.environment}")
    head = f"<head><meta charset=\"utf-8\"><title>{title}</title><style>{style}</style></head>"
    return f"<!doctype html>\n<html lang=\"en\">{head}\n<body>\n{body}</body></html>\n"


def report_format(path: Path) -> str:
    """md or html, from the file's suffix; a UsageError for anything else (checked before planning)."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in ("md", "html"):
        raise UsageError(f"Cannot write a report to {path}: the name must end in .md or .html.", hint="Pass --report report.md or --report report.html.")
    return suffix


def write_report(plan: Plan, report: PolicyReport, path: Path, *, generated: datetime) -> None:
    """Render the report in the format its name asks for and write it atomically."""
    from platformctl.files import write_text_file

    render = render_html if report_format(path) == "html" else render_markdown
    write_text_file(path, render(plan, report, generated=generated), hint="Pass --report with a path in a folder you can write to.")
