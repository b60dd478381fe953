"""`platformctl init`: write a commented platform.yaml to start from."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli import console


def init(
    organisation: str = typer.Option("acme", "--organisation", "--org", help="Lower-case DNS label naming the company."),
    domain: str = typer.Option("acme.example.com", "--domain", help="Apex DNS domain of the platform."),
    primary_region: str = typer.Option("eu-west-1", "--primary-region", help="AWS region that serves traffic."),
    dr_region: str = typer.Option("eu-central-1", "--dr-region", help="AWS region for disaster recovery (must differ)."),
    path: Path = typer.Option(Path("platform.yaml"), "--path", help="Where to write the file."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a commented platform.yaml with dev, staging and prod environments; it never overwrites without --force."""
    from platformctl.config.sample import PlatformFileContext
    from platformctl.core.initialise import write_platform_file

    result = write_platform_file(
        path=path,
        context=PlatformFileContext(organisation=organisation, domain=domain, primary_region=primary_region, dr_region=dr_region),
        force=force,
    )
    if result.to_stdout:
        console.err().print("Wrote platform.yaml to stdout.", markup=False)
        return
    verb = "Overwrote" if result.overwritten else "Wrote"
    console.err().print(f"{verb} {result.path}. Next: edit it, then `{_plan_command(result.path)}`.", markup=False)


def _plan_command(path: Path) -> str:
    """The plan command for the file just written: --file unless plan would find it by itself."""
    import os
    import shlex

    from platformctl.config.loader import PLATFORM_FILE

    if os.path.abspath(path) == os.path.abspath(PLATFORM_FILE):
        return "platformctl plan --env dev"
    return f"platformctl plan --env dev --file {shlex.quote(str(path))}"
