"""`init --ci PROVIDER`: write the CI workflow and say what to set up in the CI next."""

from __future__ import annotations

from pathlib import Path

from platformctl.cli import console


def init_ci(*, provider: str, platform_file: Path | None, force: bool) -> None:
    from platformctl.config.loader import load_platform
    from platformctl.core.ci_setup import write_ci_workflow

    loaded = load_platform(platform_file, cwd=Path.cwd())
    if loaded.is_sample:
        console.err().print("No platform.yaml here: the workflow is written for the built-in sample's environments.")
    result = write_ci_workflow(provider=provider, loaded=loaded, root=Path.cwd(), force=force)
    verb = "Overwrote" if result.overwritten else "Wrote"
    console.err().print(
        f"{verb} {result.path} for {', '.join(result.environments)}. Next: create a GitHub Environment per environment with its "
        "AWS_ROLE_ARN variable (and required reviewers for production), as the file's header says."
    )
