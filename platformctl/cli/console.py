"""stdout is data, stderr is the conversation: the two consoles every command writes to."""

from __future__ import annotations

import os
import sys
from functools import cache

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


def write_data(text: str) -> None:
    """Machine-readable output (JSON) goes to stdout byte-for-byte, never through rich."""
    sys.stdout.write(text)
    sys.stdout.flush()


def reset() -> None:
    """Forget the consoles (tests swap sys.stdout/sys.stderr between runs)."""
    err.cache_clear()
    out.cache_clear()
