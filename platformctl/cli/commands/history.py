"""`platformctl history`: the revisions of this service in an environment, as recorded in the cluster."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer

from platformctl.cli import console
from platformctl.cli.commands.deploy import KubeconfigOption
from platformctl.cli.commands.render import ServiceDirOption
from platformctl.cli.options import JsonOption, PlatformFileOption


def history(
    ctx: typer.Context,
    env: str = typer.Option(..., "--env", "-e", help="Environment whose deploys to list, as named in platform.yaml."),
    as_json: bool = JsonOption,
    use_kubeconfig: bool = KubeconfigOption,
    directory: Path = ServiceDirOption,
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """List every recorded deploy of this service in an environment: revision, result, image, git sha, who and when.

    The record lives in the cluster (a ConfigMap beside the service), so every CI run and person sees the same one.
    """
    from rich.table import Table

    from platformctl.core.rollback import ServiceTarget, read_history

    revisions = read_history(ServiceTarget(directory, env, platform_file), connect=ctx.obj.kubernetes_connector(use_kubeconfig))
    if as_json:
        console.write_data(json.dumps([asdict(r) for r in revisions], indent=2, sort_keys=True) + "\n")
        return
    if not revisions:
        console.err().print(f"No deploys recorded in {env} yet.", markup=False)
        return
    table = Table("revision", "result", "image", "git sha", "who", "when", "note", box=None)
    for r in revisions:
        tag = r.image.rsplit("@", 1)[-1][:19]
        table.add_row(str(r.revision), r.result, tag, r.git_sha[:12], r.who, r.when, r.note)
    console.out().print(table)
