"""YAML text to a pydantic model, with every problem reported at once: one line each, naming its
path in the file and the line it is on. platform.yaml and service.yaml both read through here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from platformctl.config.credentials import redact
from platformctl.config.yaml_limits import load_bounded
from platformctl.errors import ConfigError

M = TypeVar("M", bound=BaseModel)
Problem = tuple[tuple[Any, ...], str]  # (path in the document, message)


def parse_yaml_model(
    text: str,
    model: type[M],
    *,
    source: str,
    hint: str,
    shape: str,
    pre_checks: Callable[[dict[str, Any]], Iterable[Problem]] = lambda raw: (),
    post_checks: Callable[[M], Iterable[Problem]] = lambda parsed: (),
    secrets: Callable[[Any], set[str]] = lambda raw: set(),
    shape_hint: str | None = None,
) -> M:
    """Parse YAML text into `model`.

    `shape` completes "<source> must be a YAML mapping with ..."; `pre_checks` run on the raw
    mapping (e.g. secrets in the file), `post_checks` on a valid model (cross-field rules).
    `shape_hint` replaces `hint` when the text is not a mapping at all (there are no lines to fix).
    `secrets` names the texts of the raw mapping that must never be printed: every message is redacted,
    and the model's own complaint about a value a pre-check already refused is dropped.

    Raises:
        ConfigError: one detail line per problem, each naming its path (and line).
    """
    node, raw = load_bounded(text, source=source)  # bounded work: size, depth, alias expansion, integer length
    if not isinstance(raw, dict):
        what = "is empty; it must be" if raw is None else "must be"
        raise ConfigError(f"{source} {what} a YAML mapping with {shape}.", hint=shape_hint or hint)
    refused = list(pre_checks(raw))
    problems: list[Problem] = [*_duplicate_keys(node), *refused]
    parsed: M | None = None
    try:
        parsed = model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            if not any(loc[: len(path)] == path for path, _ in refused):
                problems.append((loc, _message(error)))
    if parsed is not None and not problems:
        problems += post_checks(parsed)
    if problems:
        lines = _line_index(node)
        hidden = secrets(raw)
        details = [redact(_format(path, message, lines), hidden) for path, message in problems]
        noun = "problem" if len(details) == 1 else "problems"
        raise ConfigError(f"{source} has {len(details)} {noun}.", hint=hint, details=details)
    assert parsed is not None
    return parsed


def _duplicate_keys(node: yaml.Node | None, path: tuple[Any, ...] = (), seen: frozenset[int] = frozenset()) -> list[Problem]:
    """Keys given twice in one mapping: YAML readers keep the last silently, which hides edits."""
    if node is None or id(node) in seen:
        return []
    seen = seen | {id(node)}
    found: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[Any, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.value in first:
                found.append(((*path, key_node.value), f"is given twice (first on line {first[key_node.value]}); keep one"))
            first.setdefault(key_node.value, line)
            found += _duplicate_keys(value_node, (*path, key_node.value), seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found += _duplicate_keys(item, (*path, i), seen)
    return found


def _message(error: ErrorDetails) -> str:
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


def _line_index(node: yaml.Node | None, path: tuple[Any, ...] = (), seen: frozenset[int] = frozenset()) -> dict[tuple[Any, ...], int]:
    """Map each YAML path to the 1-based line where its value starts (an alias that contains
    itself is followed once)."""
    index: dict[tuple[Any, ...], int] = {}
    if node is None or id(node) in seen:
        return index
    seen = seen | {id(node)}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            sub = (*path, key_node.value)
            index[sub] = key_node.start_mark.line + 1
            index.update(_line_index(value_node, sub, seen))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = (*path, i)
            index[sub] = item.start_mark.line + 1
            index.update(_line_index(item, sub, seen))
    return index
