"""Durations on the command line: `10m`, `90s`, `1h`, or plain seconds."""

from __future__ import annotations

import re

import typer

_UNITS = {"s": 1, "m": 60, "h": 3600}


def parse_duration(text: str) -> float:
    """Seconds in `text`; typer turns the BadParameter into a usage error (exit 2)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if not match or float(match[1]) <= 0:
        raise typer.BadParameter(f"{text!r} is not a duration: write 90s, 10m or 1h.")
    return float(match[1]) * _UNITS[match[2] or "s"]
