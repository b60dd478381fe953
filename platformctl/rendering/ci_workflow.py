"""The platform repository's CI workflow, rendered from templates/ci/ for one CI provider."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from platformctl.rendering.environment import render_template

TEMPLATES = {"github": "ci/github/platform.yml.j2"}
TARGETS = {"github": ".github/workflows/platform.yml"}


@dataclass(frozen=True)
class CiEnvironment:
    name: str
    production: bool


@dataclass(frozen=True)
class CiWorkflowContext:
    """What the workflow needs from platform.yaml and this installation."""

    environments: list[CiEnvironment] = field(default_factory=list)
    primary_region: str = "eu-west-1"
    platformctl_version: str = "0.1.0"
    python_version: str = "3.11"
    main_branch: str = "main"


def render_ci_workflow(provider: str, context: CiWorkflowContext) -> str:
    return render_template(TEMPLATES[provider], asdict(context))
