"""The `init --ci` use case: write the platform repository's CI workflow for this platform.yaml's environments."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformctl import __version__
from platformctl.config.loader import LoadedPlatform
from platformctl.errors import UsageError
from platformctl.files import write_text_file
from platformctl.rendering.ci_workflow import TARGETS, CiEnvironment, CiWorkflowContext, render_ci_workflow


@dataclass(frozen=True)
class CiWorkflowResult:
    path: Path
    overwritten: bool
    environments: list[str]


def write_ci_workflow(*, provider: str, loaded: LoadedPlatform, root: Path, force: bool) -> CiWorkflowResult:
    """Render the workflow for the platform's environments (production ones behind an approval) and write it under root.

    Raises:
        UsageError: an unknown CI provider, or the workflow exists and force is off.
    """
    if provider not in TARGETS:
        raise UsageError(f"There is no CI provider {provider!r}.", hint=f"Choose one of: {', '.join(TARGETS)}.")
    platform = loaded.platform
    context = CiWorkflowContext(
        environments=[CiEnvironment(name, platform.is_production(name)) for name in platform.environments],
        primary_region=platform.regions.primary,
        platformctl_version=__version__,
    )
    path = root / TARGETS[provider]
    existed = path.exists()
    if existed and not force:
        raise UsageError(f"{path} already exists.", hint="Pass --force to overwrite it.")
    text = render_ci_workflow(provider, context)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_file(path, text, hint="Run it in a writable checkout of the platform repository.")
    return CiWorkflowResult(path=path, overwritten=existed, environments=[e.name for e in context.environments])
