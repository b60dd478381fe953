"""`platformctl plan`: what `up` would build, run on the embedded engine with no AWS account."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from platformctl.cli import console, plan_outputs
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

    level = parse_level(policy_level)
    plan_outputs.check_options(output_format, report)
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

    from platformctl.core.policy_check import check_plan, enforce

    verdicts = check_plan(plan=result, loaded=loaded, today=date.today())
    plan_outputs.emit(result, verdicts, output_format=output_format, json_output=json_output, out=out, report=report)
    # `up` is not a command yet: point at what applies a layer today.
    stderr.print(
        "Next: review it; `platformctl doctor` checks what applying it needs (AWS credentials, the Pulumi CLI), "
        "and each layer applies with `cd stacks/<layer> && pulumi up`."
    )
    enforce(verdicts, level)
