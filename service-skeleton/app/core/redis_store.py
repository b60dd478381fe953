"""The shared Redis client with a small circuit breaker: after an error, Redis is skipped for a
few seconds so a dead Redis costs one timeout, not one per request."""

from __future__ import annotations

import time

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from app.core.log import get_logger

_log = get_logger("app.redis")


class RedisStore:
    """Holds `client` (None when REDIS_URL is unset) and whether it is currently usable."""

    def __init__(self, url: str | None, *, timeout: float = 0.25, retry_after: float = 5.0) -> None:
        self.client: aioredis.Redis | None = None
        if url:
            # BlockingConnectionPool checks connections outside its lock; the default pool holds
            # the lock across that check, which serialises every request under load.
            pool = aioredis.BlockingConnectionPool.from_url(
                url,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                health_check_interval=30,
                max_connections=128,
                timeout=timeout,
            )
            self.client = aioredis.Redis(connection_pool=pool)
        self.retry_after = retry_after
        self._down_until = 0.0
        self.last_error: str | None = None
        # Cache keys whose invalidation did not reach Redis (an outage during a write). Until they
        # are deleted, nothing is read from the cache: it may hold what the database no longer does.
        self.unflushed: set[str] = set()

    @property
    def available(self) -> bool:
        return self.client is not None and time.monotonic() >= self._down_until

    def failed(self, operation: str, exc: BaseException) -> None:
        """Record an error; logged once per outage, not per request."""
        if self._down_until == 0.0 or time.monotonic() >= self._down_until:
            _log.warning("redis_unavailable", operation=operation, error=repr(exc), retry_after_s=self.retry_after)
        self._down_until = time.monotonic() + self.retry_after
        self.last_error = f"{type(exc).__name__}: {exc}"

    def succeeded(self) -> None:
        if self._down_until:
            _log.info("redis_recovered")
        self._down_until = 0.0
        self.last_error = None

    def invalidation_failed(self, keys: tuple[str, ...]) -> None:
        self.unflushed.update(keys)

    async def flush_invalidations(self) -> bool:
        """Retry the deletes that failed during an outage. True when none is left: only then may
        the cache be read again."""
        if not self.unflushed:
            return True
        if not self.available:
            return False
        keys = list(self.unflushed)
        try:
            await self.client.delete(*keys)  # type: ignore[union-attr]
        except (RedisError, OSError) as exc:
            self.failed("cache_invalidate", exc)
            return False
        self.unflushed.difference_update(keys)
        _log.info("cache_invalidations_flushed", keys=len(keys))
        self.succeeded()
        return True

    async def ping(self) -> None:
        """Readiness check; raises when Redis is configured and not answering."""
        if self.client is None:
            return
        try:
            await self.client.ping()
        except Exception as exc:
            self.failed("ping", exc)
            raise
        self.succeeded()
        await self.flush_invalidations()  # the readiness probe heals the cache even without traffic

    async def aclose(self) -> None:
        if self.client is not None:
            await self.client.aclose()
