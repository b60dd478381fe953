"""The service paths the benchmark measures against the bare app, and the targets of issue 15."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wrk import DISTINCT_IDS, post_json

# Ratio targets hold at this many connections (the issue's); at every count: no error, p99 under 1 s.
RATIO_CONNECTIONS = 64
MAX_P99_MS = 1000.0
CACHE_HIT_MAX_P99_MS = 25.0  # the cache-hit path's own latency target at 64 connections (issue 15, first round)


@dataclass(frozen=True)
class BenchPath:
    name: str
    what: str
    url_path: str  # what wrk is pointed at; the Lua script may change the path per request
    script: str = ""  # Lua run before the report (see wrk.py)
    min_ratio: float | None = None  # requests/s as a fraction of the bare app's, at RATIO_CONNECTIONS
    max_p99_ms_at_ratio: float | None = None
    cache: str | None = None  # "hit" / "miss": what every request of this path must be, checked on /metrics


PATHS = {
    p.name: p
    for p in (
        BenchPath(
            "cache-hit",
            "authenticated GET /items/{id} of one item, served from the Redis cache",
            "/items/1",
            min_ratio=0.6,
            max_p99_ms_at_ratio=CACHE_HIT_MAX_P99_MS,
            cache="hit",
        ),
        BenchPath(
            "pg-read",
            "authenticated GET /items/{id} of distinct seeded ids, each a cache miss read from PostgreSQL",
            "/items/",
            script=DISTINCT_IDS,
            min_ratio=0.25,
            cache="miss",
        ),
        BenchPath("list", "authenticated GET /items?limit=20 (lists are never cached)", "/items?limit=20"),
        BenchPath(
            "create",
            "authenticated POST /items, one INSERT committed per request",
            "/items",
            script=post_json({"name": "bench item", "price": "9.99", "tags": ["bench"], "description": "created by the benchmark"}),
            min_ratio=0.12,
        ),
    )
}


def missed_targets(path: BenchPath, connections: int, result: dict[str, Any]) -> list[str]:
    """What `result` (a path's summary with its ratio to bare) misses of the targets; empty when met."""
    missed = []
    errors = result["errors"]
    if errors["non_2xx"]:
        missed.append(f"{errors['non_2xx']} non-2xx responses")
    if errors["timeouts"]:
        missed.append(f"{errors['timeouts']} client timeouts")
    if errors["socket"]:
        missed.append(f"{errors['socket']} socket errors")
    if result["p99_ms"] >= MAX_P99_MS:
        missed.append(f"p99 {result['p99_ms']} ms >= {MAX_P99_MS:g} ms")
    if connections == RATIO_CONNECTIONS:
        if path.min_ratio is not None and result["x_bare"] < path.min_ratio:
            missed.append(f"{result['x_bare']}x bare < {path.min_ratio}x")
        if path.max_p99_ms_at_ratio is not None and result["p99_ms"] > path.max_p99_ms_at_ratio:
            missed.append(f"p99 {result['p99_ms']} ms > {path.max_p99_ms_at_ratio:g} ms")
    return missed


def targets() -> dict[str, Any]:
    return {
        "at_every_connection_count": {"non_2xx": 0, "timeouts": 0, "socket_errors": 0, "max_p99_ms": MAX_P99_MS},
        f"at_{RATIO_CONNECTIONS}_connections": {
            name: {k: v for k, v in (("min_x_bare", p.min_ratio), ("max_p99_ms", p.max_p99_ms_at_ratio)) if v is not None} for name, p in PATHS.items()
        },
    }
