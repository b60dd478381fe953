"""`platformctl unlock`: remove a stale lock from one layer's stack, after a typed confirmation."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli.options import PlatformFileOption, YesOption


def unlock(
    ctx: typer.Context,
    env: str = typer.Option(..., "--env", "-e", help="Environment, as named in platform.yaml."),
    layer: str = typer.Option(..., "--layer", "-l", help="The layer whose stack lock to remove."),
    yes: bool = YesOption,
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Remove the lock an interrupted or dead update left on a layer's stack (the S3 and file backends' locks never expire).

    It shows who holds the lock and asks you to type the layer's name: removing the lock of an update
    that is still running lets two updates corrupt the state.
    """
    from platformctl.cli import console
    from platformctl.cli import run_session as session
    from platformctl.core.stack_status import stack_status, unlock_layer

    wiring = ctx.obj
    session.require_cloud(wiring, env)
    engine = wiring.lifecycle_engine()
    stderr = console.err()
    before = stack_status(env, engine=engine, records=wiring.run_records(), layers=(layer,), platform_file=platform_file, cwd=Path.cwd())
    now = wiring.clock.now()
    holders = before.layers[0].locks
    if not holders:
        stderr.print(f"The stack of {layer} in {env} holds no lock.")
        return
    for holder in holders:
        stderr.print(f"Lock on {layer} ({env}): {holder.describe(now)}", markup=False)
    if not yes:
        import sys

        from platformctl.errors import UsageError

        if not sys.stdin.isatty():
            raise UsageError("Removing a lock needs a typed confirmation, and there is no terminal to ask in.", hint="Pass --yes to do it unattended.")
        typed = typer.prompt("Make sure that update is not running, then type the layer's name to remove its lock", default="", show_default=False)
        if typed.strip() != layer:
            stderr.print("Not removed.")
            raise typer.Exit(1)
    after = unlock_layer(env, layer, engine=engine, platform_file=platform_file, cwd=Path.cwd())
    if after.locks:
        stderr.print(f"The lock is still there: {'; '.join(h.describe() for h in after.locks)}.", markup=False)
        raise typer.Exit(1)
    stderr.print(f"Removed the lock of {layer} in {env}. Next: `platformctl up --env {env} --layer {layer}`.")
