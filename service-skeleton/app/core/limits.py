"""Rate-limit specifications: `"100/minute"` into a `Limit`. Pure: imports nothing of the app, so
settings can validate RATE_LIMITS without reaching the limiter (and through it, auth)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(second|minute|hour|day)s?\s*$")


@dataclass(frozen=True, slots=True)
class Limit:
    count: int
    window_seconds: int


def parse_limit(spec: str) -> Limit:
    """`"100/minute"`, `"10/second"`, `"1000/5minutes"` into a Limit.

    Raises:
        ValueError: the spec is not `<count>/<second|minute|hour|day>` or not positive.
    """
    match = _SPEC.match(spec)
    if not match:
        raise ValueError(f"rate limit {spec!r} is not '<count>/<second|minute|hour|day>'")
    count, multiple, unit = int(match[1]), int(match[2] or 1), match[3]
    if count < 1 or multiple < 1:
        raise ValueError(f"rate limit {spec!r} must be positive")
    return Limit(count, multiple * _UNITS[unit])
