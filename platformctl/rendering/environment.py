"""The one jinja2 Environment: rooted at templates/, StrictUndefined, errors that name the template."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from platformctl.errors import PlatformctlError
from platformctl.paths import templates_dir


@cache
def template_environment() -> jinja2.Environment:
    """The shared environment; templates never see a missing value silently."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # YAML, Python and Markdown, not HTML
    )


def render_template(name: str, context: dict[str, Any]) -> str:
    """Render templates/<name> with context.

    Raises:
        PlatformctlError: the template is missing or uses a value the context lacks.
    """
    try:
        return template_environment().get_template(name).render(**context)
    except jinja2.TemplateNotFound:
        raise PlatformctlError(f"Template {name} is missing from {templates_dir()}.", hint="Reinstall platformctl; the package is incomplete.") from None
    except jinja2.UndefinedError as exc:
        raise PlatformctlError(
            f"Template {name} needs a value the context lacks: {exc.message}.", hint="This is a bug in platformctl; please report it."
        ) from None
