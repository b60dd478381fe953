"""`platformctl outputs`: each layer's stack outputs, secrets masked unless asked."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli.options import JsonOption, PlatformFileOption


def outputs(
    ctx: typer.Context,
    env: str = typer.Option(..., "--env", "-e", help="Environment, as named in platform.yaml."),
    layer: list[str] = typer.Option([], "--layer", "-l", help="Only this layer's outputs (repeatable)."),
    json_output: bool = JsonOption,
    show_secrets: bool = typer.Option(False, "--show-secrets", help="Print secret outputs in plain text (they are masked otherwise)."),
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Print the stack outputs of the environment's layers (all layers that exist, or those named with --layer)."""
    import json

    from platformctl.cli import console
    from platformctl.cli import run_session as session
    from platformctl.core.stack_status import stack_outputs

    wiring = ctx.obj
    session.require_cloud(wiring, env)
    report = stack_outputs(env, engine=wiring.lifecycle_engine(), layers=tuple(layer), show_secrets=show_secrets,
                           platform_file=platform_file, cwd=Path.cwd())
    if json_output:
        console.write_document({"environment": env, "outputs": report.outputs})
        return
    from rich.table import Table

    table = Table(title=f"outputs {env}", title_justify="left")
    for column in ("layer", "output", "value"):
        table.add_column(column, overflow="fold")
    for name, values in report.outputs.items():
        for key, value in values.items():
            table.add_row(name, key, value if isinstance(value, str) else json.dumps(value))
    console.out().print(table)
    if not report.outputs:
        console.err().print(f"No layer of {env} has a stack yet: `platformctl up --env {env}` creates them.")
