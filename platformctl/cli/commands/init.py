"""`platformctl init`: write a commented platform.yaml to start from."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli import console
from platformctl.cli.options import PlatformFileOption
from platformctl.config.organisation_name import ORG_HELP


def init(
    organisation: str = typer.Option("acme", "--organisation", "--org", metavar="ORG", help=ORG_HELP),
    domain: str = typer.Option(
        "acme.example.com", "--domain", metavar="DOMAIN", help="The platform's apex DNS domain; each environment gets `ENV.DOMAIN`."
    ),
    primary_region: str = typer.Option("eu-west-1", "--primary-region", metavar="REGION", help="The AWS region that serves traffic."),
    dr_region: str = typer.Option(
        "eu-central-1", "--dr-region", metavar="REGION", help="The AWS region that holds the disaster-recovery copy; it must differ from --primary-region."
    ),
    path: Path = typer.Option(Path("platform.yaml"), "--path", metavar="FILE", help="Write the file here; `-` prints it to stdout."),
    force: bool = typer.Option(False, "--force", help="Overwrite the file if it exists."),
    ci: str | None = typer.Option(
        None, "--ci", metavar="CI", help="Instead, write the platform repository's CI workflow for this CI (github), for the environments of platform.yaml."
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
    if result.to_stdout:
        console.err().print("Wrote platform.yaml to stdout.", markup=False)
        return
    if not result.path.is_file():  # a pipe or a device: written into, nothing for plan to read later
        console.err().print(f"Wrote platform.yaml to {result.path}.", markup=False)
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
