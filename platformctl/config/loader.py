"""Reading platform.yaml: every problem reported at once, one line each, with its path and line."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformctl.config.aws_tags import check_tags
from platformctl.config.credentials import Problem, find_secrets_in_comments, secret_texts
from platformctl.config.platform_file import Platform
from platformctl.config.reading import read_config_text
from platformctl.config.rules import check_platform, find_secrets
from platformctl.config.yaml_model import parse_yaml_model
from platformctl.files import path_error

PLATFORM_FILE = "platform.yaml"
_READ_HINT = "Run `platformctl init` to write one, or pass --file with the path of a readable platform.yaml."


@dataclass(frozen=True)
class LoadedPlatform:
    """A valid platform and where it came from."""

    platform: Platform
    source: str  # a file path, or "built-in sample"
    is_sample: bool


def load_platform(path: Path | None, *, cwd: Path) -> LoadedPlatform:
    """Load platform.yaml from path, or from cwd; the built-in sample only when nothing by that name is in cwd.

    Raises:
        UsageError: the path does not exist (when named), or is not a readable file: a dangling or
            looping link, a folder, unreadable, not UTF-8.
        ConfigError: the file is broken; `details` has one line per problem.
    """
    source = str(path)  # as given: the plan document records it, and must not differ between two checkouts
    if path is None:
        if not _name_exists(cwd / PLATFORM_FILE):
            from platformctl.config.sample import sample_text

            return LoadedPlatform(parse_platform(sample_text(), source="built-in sample"), "built-in sample", True)
        path, source = cwd / PLATFORM_FILE, PLATFORM_FILE
    text = read_config_text(path, hint=_READ_HINT)
    return LoadedPlatform(parse_platform(text, source=source), source, False)


def _name_exists(path: Path) -> bool:
    """Whether anything at all has this name: a file, a folder, a link (even a dangling one)."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:  # the working folder itself cannot be searched
        raise path_error("read", path, exc, hint=_READ_HINT) from None
    return True


def _raw_checks(text: str) -> Callable[[dict[str, Any]], list[Problem]]:
    """Checks on the file as written, reported with the model's own problems: credentials anywhere (comments
    too), AWS's tag limits."""
    return lambda raw: [*find_secrets(raw), *find_secrets_in_comments(text), *check_tags(raw)]


def parse_platform(text: str, *, source: str) -> Platform:
    """Parse and validate platform.yaml text.

    Raises:
        ConfigError: with one detail line per problem, each naming its path (and line).
    """
    return parse_yaml_model(
        text,
        Platform,
        source=source,
        hint="Fix each line above; `platformctl init` writes a commented example.",
        shape="organisation, domain, regions and environments",
        pre_checks=_raw_checks(text),
        post_checks=check_platform,
        secrets=secret_texts,
        shape_hint="Run `platformctl init` for a commented platform.yaml to start from.",
    )
