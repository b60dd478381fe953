"""`platformctl status`: per layer, the last update and its result, resources, locks, pending operations and the last run."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli.options import JsonOption, PlatformFileOption


def status(
    ctx: typer.Context,
    env: str = typer.Option(..., "--env", "-e", help="Environment, as named in platform.yaml."),
    layer: list[str] = typer.Option([], "--layer", "-l", help="Only this layer (repeatable)."),
    json_output: bool = JsonOption,
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Show each layer's stack: last update, its result, resource count, who holds a lock, pending operations, and the last `up`."""
    from platformctl.cli import console
    from platformctl.cli import run_session as session
    from platformctl.core.stack_status import stack_status

    wiring = ctx.obj
    session.require_cloud(wiring, env)
    report = stack_status(env, engine=wiring.lifecycle_engine(), records=wiring.run_records(), layers=tuple(layer),
                          platform_file=platform_file, cwd=Path.cwd(), now=wiring.clock.now())
    document = report.to_document()
    if json_output:
        console.write_document(document)
        return
    from rich.table import Table

    table = Table(title=f"status {env}" + (f" (last up: run {report.last_run.run_id})" if report.last_run else ""), title_justify="left")
    for column in ("layer", "stack", "last update", "result", "resources", "lock", "pending operations", "last run"):
        table.add_column(column, overflow="fold")
    for row in document["layers"]:
        table.add_row(row["layer"], "yes" if row["exists"] else "none", row["last_update"] or "", row["last_result"] or "", str(row["resources"]),
                      "; ".join(row["locks"]) or "", str(len(row["pending_operations"])) if row["pending_operations"] else "",
                      row["last_run"] or "")
    console.out().print(table)
    for row in document["layers"]:
        if row["locks"]:
            console.err().print(f"{row['layer']} is locked ({'; '.join(row['locks'])}): if that update is dead, "
                                f"`platformctl unlock --env {env} --layer {row['layer']}`.", markup=False)
        if row["pending_operations"]:
            console.err().print(f"{row['layer']} has pending operations from an interrupted update: the next `up` refreshes it first.", markup=False)
