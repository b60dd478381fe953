"""Per-user rate limiting: fixed windows keyed by route and token subject (client IP when
anonymous), atomic in Redis with one Lua script call, in-process when Redis is not configured,
fail-open when Redis errors."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from redis.exceptions import RedisError

from app.api.problems import Problem
from app.api.services import services
from app.core.limits import Limit, parse_limit
from app.core.metrics import Metrics
from app.core.redis_store import RedisStore
from app.core.redis_windows import RedisWindows


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int


class LocalWindows:
    """In-process fixed windows (one pod only): for local runs without Redis."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, float]] = {}

    def hit(self, key: str, window: int) -> tuple[int, float]:
        # No await between read and write: atomic within the event loop.
        now = time.monotonic()
        count, reset_at = self._windows.get(key, (0, 0.0))
        if now >= reset_at:
            count, reset_at = 0, now + window
            if len(self._windows) > 100_000:
                self._windows = {k: v for k, v in self._windows.items() if v[1] > now}
        count += 1
        self._windows[key] = (count, reset_at)
        return count, reset_at - now


class RateLimiter:
    def __init__(self, *, limits: dict[str, str], store: RedisStore, metrics: Metrics, enabled: bool = True) -> None:
        self.enabled = enabled
        self.default = parse_limit(limits.get("default", "100/minute"))
        self.limits = {name: parse_limit(spec) for name, spec in limits.items()}
        self.store = store
        self.metrics = metrics
        self.local = LocalWindows()
        self.redis = RedisWindows(store.client) if store.client is not None else None

    def limit_for(self, route_name: str) -> Limit:
        return self.limits.get(route_name, self.default)

    async def hit(self, key: str, limit: Limit, prefetch: str | None = None) -> tuple[Decision | None, Any]:
        """Count one request. Returns (decision or None when failing open, prefetched value).

        With `prefetch`, the cache entry of that key comes back in the same script call: one round trip.
        """
        if self.store.client is None:
            count, reset = self.local.hit(key, limit.window_seconds)
            return self._decide(limit, count, reset), _NOT_FETCHED
        if prefetch is not None and self.store.unflushed and not await self.store.flush_invalidations():
            prefetch = None  # the cache may be stale until the failed invalidations are flushed
        if not self.store.available:
            return None, _NOT_FETCHED
        try:
            count, ttl_ms, cached = await self._redis_hit(key, limit, prefetch)
        except (RedisError, OSError) as exc:
            self.store.failed("rate_limit", exc)
            return None, _NOT_FETCHED
        if self.store.last_error:
            self.store.succeeded()
        return self._decide(limit, count, ttl_ms / 1000), cached

    async def _redis_hit(self, key: str, limit: Limit, prefetch: str | None) -> tuple[int, int, Any]:
        assert self.redis is not None
        count, ttl_ms, cached = await self.redis.hit(key, limit.window_seconds * 1000, prefetch)
        return count, ttl_ms, cached if prefetch is not None else _NOT_FETCHED

    @staticmethod
    def _decide(limit: Limit, count: int, reset_seconds: float) -> Decision:
        return Decision(
            allowed=count <= limit.count,
            limit=limit.count,
            remaining=max(0, limit.count - count),
            reset_seconds=max(1, int(reset_seconds + 0.999)),
        )


class _NotFetched:
    def __repr__(self) -> str:
        return "NOT_FETCHED"


_NOT_FETCHED: Any = _NotFetched()
NOT_FETCHED = _NOT_FETCHED


def prefetched(request: Request, key: str) -> Any:
    """The value of cache `key` fetched alongside the rate-limit call, or NOT_FETCHED."""
    found = request.scope.get("app.prefetch")
    if found is not None and found[0] == key:
        return found[1]
    return NOT_FETCHED


class RateLimit:
    """Counts a request against the route's limit and sets the RateLimit-* headers. The caller
    hands over the principal (see app.api.guard: `Guard`, and `rate_limit` for routes that
    authenticate by other means), so the limiter knows nothing of authentication.

    `RateLimit(prefetch=lambda request: "items:" + request.path_params["item_id"])` also reads that
    cache key in the same Redis round trip (see `prefetched`).
    """

    def __init__(self, prefetch: Any = None) -> None:
        self.prefetch = prefetch

    async def apply(self, request: Request, principal: Any) -> None:
        """Count the request of `principal` (None: anonymous, keyed by client IP)."""
        limiter = services(request.app).rate_limiter
        if not limiter.enabled:
            return
        route = request.scope.get("route")
        route_name = getattr(route, "name", None) or "default"
        who = f"u:{principal.subject}" if principal is not None else f"ip:{request.client.host if request.client else 'unknown'}"
        limit = limiter.limit_for(route_name)
        prefetch_key = self.prefetch(request) if self.prefetch is not None else None
        decision, cached = await limiter.hit(f"rl:{route_name}:{who}", limit, prefetch_key)
        if prefetch_key is not None and cached is not NOT_FETCHED:
            request.scope["app.prefetch"] = (prefetch_key, cached)
        if decision is None:  # failing open: Redis is down
            return
        headers = {
            "RateLimit-Limit": str(decision.limit),
            "RateLimit-Remaining": str(decision.remaining),
            "RateLimit-Reset": str(decision.reset_seconds),
        }
        if not decision.allowed:
            limiter.metrics.rate_limited.labels(route_name).inc()
            raise Problem(
                429,
                detail=f"Rate limit of {limit.count} requests per {limit.window_seconds}s exceeded.",
                headers={**headers, "Retry-After": str(decision.reset_seconds)},
            )
        # Added to whatever response the route returns by EdgeMiddleware (a route may return
        # a prebuilt Response, whose headers FastAPI would not merge).
        request.scope["app.response_headers"] = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

