"""What `plan` writes besides progress: the plan or its Terraform-shaped export, the verdicts, the compliance report."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from platformctl.cli import console
from platformctl.errors import UsageError

if TYPE_CHECKING:  # imported when used: `platformctl --help` must not pay for pydantic models
    from platformctl.plan.model import Plan
    from platformctl.policies.evaluate import PolicyReport

FORMATS = ("plan", "terraform-plan")


def check_options(output_format: str, report: Path | None) -> None:
    """Refuse a bad --format or --report before anything is planned."""
    if output_format not in FORMATS:
        raise UsageError(f"'{output_format}' is not a plan format.", hint="Use --format plan or --format terraform-plan.")
    if report is not None:
        from platformctl.policies.compliance_report import report_format

        report_format(report)


def emit(plan: Plan, verdicts: PolicyReport, *, output_format: str, json_output: bool, out: Path | None, report: Path | None) -> None:
    """stdout gets the data (tree and verdicts, or JSON); --out and --report get their files; stderr says what was written."""
    from platformctl.cli import policy_view
    from platformctl.plan.files import write_text

    if output_format == "terraform-plan":
        from platformctl.plan.terraform_export import write_terraform_plan

        write_terraform_plan(plan, out, console.write_data)
    else:
        # One document for --out and --json: the plan with its verdicts (a plan reader ignores "policy").
        document = policy_view.plan_with_verdicts(plan, verdicts)
        if out is not None:
            write_text(document, out)
        if json_output:
            console.write_data(document)
        else:
            from platformctl.cli.plan_view import layer_tree, summary_table

            stdout = console.out()
            for layer_plan in plan.layers:
                stdout.print(layer_tree(layer_plan))
            stdout.print(summary_table(plan))
            policy_view.show(stdout, verdicts)
    if report is not None:
        from platformctl.policies.compliance_report import write_report

        write_report(plan, verdicts, report, generated=datetime.now(UTC))
        console.err().print(f"Wrote the compliance report to {report}.")
    if out is not None:
        console.err().print(f"Wrote the plan to {out}.")
