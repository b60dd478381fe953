"""stdout is data, stderr is the conversation: the two consoles every command writes to."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from functools import cache
from typing import Any

from rich.console import Console


def _no_color() -> bool:
    return bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"


@cache
def err() -> Console:
    """Progress, messages, errors and hints."""
    return Console(file=sys.stderr, stderr=True, no_color=_no_color(), highlight=False, soft_wrap=True)


@cache
def out() -> Console:
    """Human-readable results (tables, trees)."""
    return Console(file=sys.stdout, no_color=_no_color(), highlight=False)


def write_document(document: Mapping[str, Any]) -> None:
    """The one shape of every `--json` output: a JSON object, snake_case keys, sorted, indented by 2, newline-terminated.

    Results build their document with `to_document()`; the plan document is the same shape (Plan.to_json).
    """
    write_data(json.dumps(document, indent=2, sort_keys=True) + "\n")


def write_data(text: str) -> None:
    """Machine-readable output (JSON) goes to stdout byte-for-byte, never through rich."""
    sys.stdout.write(text)
    sys.stdout.flush()


def reset() -> None:
    """Forget the consoles (tests swap sys.stdout/sys.stderr between runs)."""
    err.cache_clear()
    out.cache_clear()
