"""The init use case: write a commented platform.yaml that validates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformctl.config.loader import parse_platform
from platformctl.config.sample import PlatformFileContext, render_platform_file
from platformctl.core.init_answers import check_answers, in_flag_terms
from platformctl.errors import ConfigError, UsageError
from platformctl.files import STDOUT, path_error, write_text_file

_PATH_HINT = "Pass --path with a file in a folder you can write to (or `-` for stdout)."


@dataclass(frozen=True)
class InitResult:
    path: Path
    overwritten: bool
    to_stdout: bool = False


def write_platform_file(*, path: Path, context: PlatformFileContext, force: bool) -> InitResult:
    """Render platform.yaml for these answers, check it, and write it (`-`: to stdout).

    Raises:
        UsageError: the file exists and force is off, or the path cannot be written (nothing is left behind).
        ConfigError: the answers make an invalid platform (nothing is written).
    """
    check_answers(context)
    text = render_platform_file(context)
    try:
        parse_platform(text, source="the answers given")  # refuse to write a file that would not validate
    except ConfigError as exc:
        raise in_flag_terms(exc) from None
    if str(path) == STDOUT:
        write_text_file(STDOUT, text, hint=_PATH_HINT)
        return InitResult(path=path, overwritten=False, to_stdout=True)
    try:
        existed = path.exists()
    except OSError as exc:  # a name too long, a folder we may not search
        raise path_error("write", path, exc, hint=_PATH_HINT) from None
    if existed and not force:
        raise UsageError(f"{path} already exists.", hint="Pass --force to overwrite it, or --path to write elsewhere.")
    write_text_file(path, text, hint=_PATH_HINT)
    return InitResult(path=path, overwritten=existed)
