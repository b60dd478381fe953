"""The init use case: write a commented platform.yaml that validates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformctl.config.loader import parse_platform
from platformctl.config.sample import PlatformFileContext, render_platform_file
from platformctl.errors import UsageError


@dataclass(frozen=True)
class InitResult:
    path: Path
    overwritten: bool


def write_platform_file(*, path: Path, context: PlatformFileContext, force: bool) -> InitResult:
    """Render platform.yaml for these answers, check it, and write it.

    Raises:
        UsageError: the file exists and force is off, or the folder is missing.
        ConfigError: the answers make an invalid platform (nothing is written).
    """
    existed = path.exists()
    if existed and not force:
        raise UsageError(f"{path} already exists.", hint="Pass --force to overwrite it, or --path to write elsewhere.")
    if not path.parent.is_dir():
        raise UsageError(f"The folder {path.parent} does not exist.", hint="Create it first or pass another --path.")
    text = render_platform_file(context)
    parse_platform(text, source="the answers given")  # refuse to write a file that would not validate
    path.write_text(text, encoding="utf-8")
    return InitResult(path=path, overwritten=existed)
