"""A YAML reader with bounded work, for files people (or attackers) write: size, nesting depth, alias
expansion and integer length are limited, and going over one is a ConfigError naming the line.

The limits (the sample platform.yaml is 4.7 KB, 320 nodes once aliases are expanded, 7 levels deep):
- MAX_YAML_BYTES, 256 KiB: 50 times the sample; parsing that much pure-Python YAML takes about half a second.
- MAX_DEPTH, 32 levels: four times the deepest real setting; the composer recurses per level and
  Python's stack ends near 300 levels (a RecursionError, not a message).
- MAX_EXPANDED_NODES, 20,000 nodes counting every alias as a copy of what it names: aliases are
  shared objects in memory, but every check and the model walk them as copies, so a "billion laughs"
  of a few lines is 10^9 nodes of work; real files stay in the hundreds.
- MAX_INT_DIGITS, 20 digits: the largest setting is a 32-bit count; Python refuses to convert integers
  of more than 4,300 digits, and converting long ones is quadratic.
"""

from __future__ import annotations

from typing import Any

import yaml

from platformctl.errors import ConfigError

MAX_YAML_BYTES = 256 * 1024
MAX_DEPTH = 32
MAX_EXPANDED_NODES = 20_000
MAX_INT_DIGITS = 20


class _LimitExceeded(Exception):
    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line


class _BoundedLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no types
    """SafeLoader that refuses deep nesting and long integers while composing and constructing."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _LimitExceeded(f"nests deeper than {MAX_DEPTH} levels", self.peek_event().start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = sum(ch.isalnum() for ch in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise _LimitExceeded(f"has an integer of {digits} digits; no setting takes more than {MAX_INT_DIGITS}", node.start_mark.line + 1)
        value: int = super().construct_yaml_int(node)
        return value


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _BoundedLoader.construct_yaml_int)


def load_bounded(text: str, *, source: str) -> tuple[yaml.Node | None, Any]:
    """The composed node tree (for lines) and the constructed value of one YAML document, with bounded work.

    Raises:
        ConfigError: invalid YAML, or over one of the limits (which one, and the line).
    """
    size = len(text.encode("utf-8"))
    if size > MAX_YAML_BYTES:
        raise ConfigError(f"{source} is {size // 1024} KiB; platformctl reads at most {MAX_YAML_BYTES // 1024} KiB of YAML.", hint=_HINT)
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_expansion(node)
        raw = loader.construct_document(node) if node is not None else None
    except _LimitExceeded as exc:
        where = f" (line {exc.line})" if exc.line else ""
        raise ConfigError(f"{source} {exc}{where}.", hint=_HINT) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        if context:  # "expected a single document in the stream" + "but found another document"
            problem = f"{context}{', ' if problem.startswith('but ') else ': '}{problem}"
        raise ConfigError(f"{source} is not valid YAML{where}: {problem}.", hint="Fix the YAML syntax there.") from None
    finally:
        loader.dispose()
    return node, raw


_HINT = "Write the values out plainly: a platform.yaml or service.yaml needs no deep nesting, long numbers or chains of aliases."


def _check_expansion(root: yaml.Node) -> None:
    """Count the nodes as every reader will walk them (an alias counted as a copy), stopping at the limit."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()
    aliased = False

    def size(node: yaml.Node) -> int:
        nonlocal aliased
        key = id(node)
        if key in sizes:
            aliased = True  # a node reached twice: an alias
            return sizes[key]
        if key in open_:
            raise _LimitExceeded("has a YAML alias inside the value it refers to", node.start_mark.line + 1)
        open_.add(key)
        total = 1
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        for child in children:
            total += size(child)
            if total > MAX_EXPANDED_NODES:
                what = "expands to" if aliased else "has"
                how = " through its aliases (&anchor / *alias)" if aliased else "; a platform.yaml has a few hundred"
                raise _LimitExceeded(f"{what} more than {MAX_EXPANDED_NODES:,} values{how}", child.start_mark.line + 1)
        open_.discard(key)
        sizes[key] = total
        return total

    size(root)
