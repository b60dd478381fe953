"""The built-in sample platform: the init template rendered with example values."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from platformctl.rendering.environment import render_template

PLATFORM_TEMPLATE = "platform/platform.yaml.j2"


@dataclass(frozen=True)
class PlatformFileContext:
    """What `platformctl init` asks for; the sample uses the defaults."""

    organisation: str = "acme"
    domain: str = "acme.example.com"
    primary_region: str = "eu-west-1"
    dr_region: str = "eu-central-1"


def render_platform_file(context: PlatformFileContext) -> str:
    """The commented platform.yaml for these answers."""
    return render_template(PLATFORM_TEMPLATE, asdict(context))


def sample_text() -> str:
    """The built-in sample's platform.yaml text."""
    return render_platform_file(PlatformFileContext())
