"""`platformctl plan`: what `up` would build, run on the embedded engine with no AWS account."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import typer

from platformctl.cli import console
from platformctl.cli.commands.policy import PolicyLevelOption
from platformctl.cli.options import JsonOption, PlatformFileOption


def plan(
    env: str = typer.Option("dev", "--env", "-e", help="Environment to plan, as named in platform.yaml."),
    layer: list[str] = typer.Option([], "--layer", "-l", help="Plan only this layer (and what it depends on); repeatable."),
    json_output: bool = JsonOption,
    out: Path | None = typer.Option(None, "--out", "-o", help="Also write the plan document (JSON) to this file.", dir_okay=False),
    platform_file: Path | None = PlatformFileOption,
    report: Path | None = typer.Option(
        None, "--report", help="Also write a compliance report (SOC 2, HIPAA 164.312, GDPR art. 32) to this .md or .html file.", dir_okay=False
    ),
    policy_level: str = PolicyLevelOption,
    output_format: str = typer.Option(
        "plan", "--format", help="plan: platformctl's plan document; terraform-plan: the shape of `terraform show -json`, for checkov, trivy, conftest "
        "and infracost (stdout and --out).",
    ),
) -> None:
    """Show every resource `platformctl up` would create, without AWS or the Pulumi CLI.

    The stack programs run on Pulumi's mock runtime; values only the cloud knows are shown as
    "(known after apply: …)". With no platform.yaml here, the built-in sample platform is planned.
    Every policy rule judges the plan; a mandatory failure exits 4 unless --policy-level advisory.
    """
    from platformctl.config.loader import load_platform
    from platformctl.core.planning import build_plan, check_environment
    from platformctl.core.policy_check import parse_level
    from platformctl.errors import UsageError
    from platformctl.plan.files import write_text

    level = parse_level(policy_level)
    if output_format not in ("plan", "terraform-plan"):
        raise UsageError(f"'{output_format}' is not a plan format.", hint="Use --format plan or --format terraform-plan.")
    if report is not None:
        from platformctl.policies.compliance_report import report_format

        report_format(report)
    stderr = console.err()
    loaded = load_platform(platform_file, cwd=Path.cwd())
    if loaded.is_sample:
        stderr.print("No platform.yaml here: planning the built-in sample platform (run `platformctl init` to write your own).")
    check_environment(loaded, env)
    from platformctl.engines.layers import missing_layers

    if not layer and missing_layers():
        stderr.print(f"Not built yet, so not in this plan: the {', '.join(missing_layers())} layer(s).")

    with stderr.status(f"Planning {env}…") as status:

        def progress(layer_name: str, phase: str) -> None:
            if phase == "start":
                status.update(f"Planning {env}: {layer_name}…")
                if not stderr.is_terminal:
                    stderr.print(f"planning {layer_name}…")

        result = build_plan(loaded=loaded, env=env, layers=layer or None, on_progress=progress)

    from platformctl.cli import policy_view
    from platformctl.core.policy_check import check_plan, enforce

    verdicts = check_plan(plan=result, loaded=loaded, today=date.today())
    if output_format == "terraform-plan":
        from platformctl.plan.terraform_export import write_terraform_plan

        write_terraform_plan(result, out, console.write_data)
    else:
        # One document for --out and --json: the plan with its verdicts (a plan reader ignores "policy").
        document = policy_view.plan_with_verdicts(result, verdicts)
        if out is not None:
            write_text(document, out)
        if json_output:
            console.write_data(document)
        else:
            from platformctl.cli.plan_view import layer_tree, summary_table

            stdout = console.out()
            for layer_plan in result.layers:
                stdout.print(layer_tree(layer_plan))
            stdout.print(summary_table(result))
            policy_view.show(stdout, verdicts)
    if report is not None:
        from platformctl.policies.compliance_report import write_report

        write_report(result, verdicts, report, generated=datetime.now(UTC))
        stderr.print(f"Wrote the compliance report to {report}.")
    if out is not None:
        stderr.print(f"Wrote the plan to {out}.")
    # `up` is not a command yet: point at what applies a layer today.
    stderr.print(
        "Next: review it; `platformctl doctor` checks what applying it needs (AWS credentials, the Pulumi CLI), "
        "and each layer applies with `cd stacks/<layer> && pulumi up`."
    )
    enforce(verdicts, level)
