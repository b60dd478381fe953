"""Reading platform.yaml: every problem reported at once, one line each, with its path and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from platformctl.config.platform_file import Platform
from platformctl.config.rules import check_platform, find_secrets
from platformctl.core.errors import ConfigError, UsageError

PLATFORM_FILE = "platform.yaml"


@dataclass(frozen=True)
class LoadedPlatform:
    """A valid platform and where it came from."""

    platform: Platform
    source: str  # a file path, or "built-in sample"
    is_sample: bool


def load_platform(path: Path | None, *, cwd: Path) -> LoadedPlatform:
    """Load platform.yaml from path, or from cwd, or fall back to the built-in sample.

    Raises:
        UsageError: an explicit path does not exist.
        ConfigError: the file is broken; `details` has one line per problem.
    """
    if path is None:
        candidate = cwd / PLATFORM_FILE
        if not candidate.exists():
            from platformctl.config.sample import sample_text

            return LoadedPlatform(parse_platform(sample_text(), source="built-in sample"), "built-in sample", True)
        path = candidate
    if not path.is_file():
        raise UsageError(f"{path} does not exist.", hint="Run `platformctl init` to write one, or pass --file with the right path.")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Cannot read {path}: {exc}.", hint="Check the file's permissions and that it is UTF-8 text.") from None
    return LoadedPlatform(parse_platform(text, source=str(path)), str(path), False)


def parse_platform(text: str, *, source: str) -> Platform:
    """Parse and validate platform.yaml text.

    Raises:
        ConfigError: with one detail line per problem, each naming its path (and line).
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{source} is not valid YAML{where}: {problem}.", hint="Fix the YAML syntax; `platformctl init` writes a commented example.") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{source} must be a YAML mapping with organisation, domain, regions and environments.", hint="Run `platformctl init` to see a complete example.")
    lines = _line_index(node)
    problems: list[tuple[tuple[Any, ...], str]] = list(find_secrets(raw))
    platform: Platform | None = None
    try:
        platform = Platform.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            problems.append((loc, _message(error)))
    if platform is not None and not problems:
        problems += check_platform(platform)
    if problems:
        details = [_format(path, message, lines) for path, message in problems]
        noun = "problem" if len(details) == 1 else "problems"
        raise ConfigError(f"{source} has {len(details)} {noun}.", hint="Fix each line above; `platformctl init` writes a commented example.", details=details)
    assert platform is not None
    return platform


def _message(error: dict[str, Any]) -> str:
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if error["type"] == "extra_forbidden":
        return "is not a known setting (check its spelling)"
    if error["type"] == "missing":
        return "is required"
    if error["type"] == "string_pattern_mismatch":
        return f"{error.get('input')!r} does not have the expected form ({error['ctx']['pattern']})"
    return message


def _format(path: tuple[Any, ...], message: str, lines: dict[tuple[Any, ...], int]) -> str:
    dotted = ".".join(str(p) for p in path) or "(top level)"
    line = None
    probe = path
    while probe and line is None:
        line = lines.get(probe)
        probe = probe[:-1]
    return f"{dotted}: {message}" + (f" (line {line})" if line else "")


def _line_index(node: yaml.Node | None, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], int]:
    """Map each YAML path to the 1-based line where its value starts."""
    index: dict[tuple[Any, ...], int] = {}
    if node is None:
        return index
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            sub = (*path, key_node.value)
            index[sub] = key_node.start_mark.line + 1
            index.update(_line_index(value_node, sub))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = (*path, i)
            index[sub] = item.start_mark.line + 1
            index.update(_line_index(item, sub))
    return index
