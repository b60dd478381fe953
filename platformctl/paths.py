"""Where the bundled stacks/, templates/ and service-skeleton/ live, in a checkout or a wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def _root() -> Path:
    # In a source checkout (or an editable install) the folders sit beside the package; an
    # installed wheel carries them under platformctl/_data/ (see pyproject's [tool.hatch.build.targets.wheel.sources]).
    checkout = _PACKAGE.parent
    if (checkout / "stacks" / "outputs.py").is_file():
        return checkout
    return _PACKAGE / "_data"


def stacks_dir() -> Path:
    """The folder holding one Pulumi project per layer, and shared components."""
    return _root() / "stacks"


def stacks_import_root() -> Path:
    """The folder to put on sys.path so that `import stacks.<layer>.program` works."""
    return _root()


def templates_dir() -> Path:
    """The jinja2 templates: platform.yaml, manifests, service files."""
    return _root() / "templates"


def skeleton_dir() -> Path:
    """The runnable FastAPI service that new services are generated from."""
    return _root() / "service-skeleton"
