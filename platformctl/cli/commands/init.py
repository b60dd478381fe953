"""`platformctl init`: write a commented platform.yaml to start from."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli import console
from platformctl.cli.options import PlatformFileOption


def init(
    organisation: str = typer.Option("acme", "--organisation", "--org", help="Lower-case DNS label naming the company."),
    domain: str = typer.Option("acme.example.com", "--domain", help="Apex DNS domain of the platform."),
    primary_region: str = typer.Option("eu-west-1", "--primary-region", help="AWS region that serves traffic."),
    dr_region: str = typer.Option("eu-central-1", "--dr-region", help="AWS region for disaster recovery (must differ)."),
    path: Path = typer.Option(Path("platform.yaml"), "--path", help="Where to write the file.", dir_okay=False),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    ci: str | None = typer.Option(
        None, "--ci", help="Instead, write the platform repository's CI workflow for this CI (github), for the environments of platform.yaml."
    ),
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Write a commented platform.yaml with dev, staging and prod environments; it never overwrites without --force.

    With `--ci github`, write `.github/workflows/platform.yml` instead: pull requests get the plan, its diff
    against the base branch, the cost delta and the policy verdicts; merges run `platformctl up` with OIDC credentials.
    """
    if ci is not None:
        from platformctl.cli.init_ci import init_ci

        init_ci(provider=ci, platform_file=platform_file, force=force)
        return
    from platformctl.config.sample import PlatformFileContext
    from platformctl.core.initialise import write_platform_file

    result = write_platform_file(
        path=path,
        context=PlatformFileContext(organisation=organisation, domain=domain, primary_region=primary_region, dr_region=dr_region),
        force=force,
    )
    verb = "Overwrote" if result.overwritten else "Wrote"
    console.err().print(f"{verb} {result.path}. Next: edit it, then `platformctl plan --env dev`.")
