"""YAML text to a pydantic model, with every problem reported at once: one line each, naming its
path in the file and the line it is on. platform.yaml and service.yaml both read through here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

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
) -> M:
    """Parse YAML text into `model`.

    `shape` completes "<source> must be a YAML mapping with ..."; `pre_checks` run on the raw
    mapping (e.g. secrets in the file), `post_checks` on a valid model (cross-field rules).

    Raises:
        ConfigError: one detail line per problem, each naming its path (and line).
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{source} is not valid YAML{where}: {problem}.", hint="Fix the YAML syntax there.") from None
    if _refers_to_itself(raw):  # an alias inside its own anchor (`a: &x [*x]`): endless to every reader
        raise ConfigError(f"{source} has a YAML alias inside the value it refers to.", hint="Write the values out instead of through that alias.")
    if not isinstance(raw, dict):
        raise ConfigError(f"{source} must be a YAML mapping with {shape}.", hint=hint)
    problems: list[Problem] = [*_duplicate_keys(node), *pre_checks(raw)]
    parsed: M | None = None
    try:
        parsed = model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            problems.append((loc, _message(error)))
    if parsed is not None and not problems:
        problems += post_checks(parsed)
    if problems:
        lines = _line_index(node)
        details = [_format(path, message, lines) for path, message in problems]
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


def _refers_to_itself(value: Any, open_: frozenset[int] = frozenset()) -> bool:
    if not isinstance(value, dict | list):
        return False
    if id(value) in open_:
        return True
    inner = open_ | {id(value)}
    return any(_refers_to_itself(v, inner) for v in (value.values() if isinstance(value, dict) else value))


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
