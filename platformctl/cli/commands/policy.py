"""`platformctl policy`: list and explain the rules, and check a saved plan against them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from platformctl.cli import console
from platformctl.cli.options import JsonOption, PlatformFileOption

app = typer.Typer(
    help="The policy rules every plan is judged by: list them, explain one, or check a saved plan.",
    no_args_is_help=True,
)

PolicyLevelOption = typer.Option(
    "mandatory",
    "--policy-level",
    help="How failures count: mandatory exits 4 when a mandatory rule fails; advisory reports every verdict without failing.",
    case_sensitive=False,
)


@app.command("list")
def list_rules(json_output: bool = JsonOption) -> None:
    """List every rule with its control, severity and the equivalent checkov or AWSGuard check."""
    from platformctl.cli.policy_view import rule_data, rules_table
    from platformctl.policies.rules import ALL_RULES

    if json_output:
        console.write_data(json.dumps([rule_data(r) for r in ALL_RULES], indent=2) + "\n")
    else:
        console.out().print(rules_table(list(ALL_RULES)))


@app.command("explain")
def explain(rule_id: str = typer.Argument(..., metavar="RULE", help="A rule id, e.g. NET-004."), json_output: bool = JsonOption) -> None:
    """Explain one rule: what it checks, on which resource types, why, and how to fix a failure."""
    from platformctl.cli.policy_view import rule_data
    from platformctl.errors import UsageError
    from platformctl.policies.rules import RULES_BY_ID

    rule = RULES_BY_ID.get(rule_id.upper())
    if rule is None:
        raise UsageError(f"There is no policy rule '{rule_id}'.", hint="Run `platformctl policy list` for the rule ids.")
    data = rule_data(rule)
    if json_output:
        console.write_data(json.dumps(data, indent=2) + "\n")
        return
    out = console.out()
    out.print(f"{rule.id}: {rule.title}")
    out.print(f"Control: {rule.control.value}. Severity: {rule.severity.value}{' (production only)' if rule.production_only else ''}.")
    kind = "compares resources with each other" if rule.check_stack else "reads each resource on its own"
    out.print(f"Reads: {', '.join(rule.resource_types)} ({kind}).")
    out.print(f"Fix: {rule.remediation}")
    equivalents = ", ".join([*rule.checkov, *([f"AWSGuard {rule.awsguard}"] if rule.awsguard else [])])
    out.print(f"Equivalent checks: {equivalents or 'none'}.")


@app.command("check")
def check(
    plan_file: Path = typer.Argument(..., metavar="PLAN.json", help="A plan document written by `platformctl plan --out` or `--json`.", dir_okay=False),
    policy_level: str = PolicyLevelOption,
    json_output: bool = JsonOption,
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Judge a saved plan by every rule, with the waivers and promises of platform.yaml; exit 4 on a mandatory failure."""
    from platformctl.cli.policy_view import report_data, show
    from platformctl.config.loader import load_platform
    from platformctl.core.policy_check import check_plan, enforce, parse_level, read_plan

    level = parse_level(policy_level)
    plan = read_plan(plan_file)
    loaded = load_platform(platform_file, cwd=Path.cwd())
    report = check_plan(plan=plan, loaded=loaded, today=date.today())
    if json_output:
        console.write_data(json.dumps(report_data(report), indent=2, sort_keys=True) + "\n")
    else:
        show(console.out(), report)
    enforce(report, level)

