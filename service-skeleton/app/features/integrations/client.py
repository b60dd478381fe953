"""The outbound HTTP client for third-party connectors: timeouts, retries with exponential backoff
and full jitter (tenacity), `Retry-After`, and a circuit breaker per host.

What is retried: connection failures for every method (the request never left), and, for idempotent
requests only (GET/HEAD/OPTIONS/PUT/DELETE, or any request carrying an `Idempotency-Key`), read
errors, 5xx and 429. A POST that may have reached the server is never sent twice behind your back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    stop_after_attempt,
    wait_random_exponential,
)

from app.features.integrations.breaker import BreakerRegistry, CircuitOpenError
from app.features.integrations.settings import IntegrationsSettings

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Nothing was sent when these happen, so even a POST may be retried.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class ConnectorClient:
    """`await client.request("GET", "https://api.example.com/v1/things")` returns an `httpx.Response`
    (the last one when retries run out on a 5xx); raises `httpx.TransportError` when every attempt
    failed to connect or read, and `CircuitOpenError` when the host's breaker is open."""

    def __init__(
        self,
        settings: IntegrationsSettings,
        *,
        base_url: str = "",
        headers: dict[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        breakers: BreakerRegistry | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        metrics: ConnectorMetrics | None = None,
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.breakers = breakers or BreakerRegistry(
            failure_threshold=settings.breaker_failure_threshold, recovery_seconds=settings.breaker_recovery_seconds
        )
        self._sleep = sleep
        self._jitter = wait_random_exponential(multiplier=settings.backoff_base_seconds, max=settings.backoff_max_seconds)
        self._http = httpx.AsyncClient(
            base_url=base_url,
            headers=headers,
            transport=transport,
            timeout=httpx.Timeout(
                connect=settings.connect_timeout_seconds,
                read=settings.read_timeout_seconds,
                write=settings.write_timeout_seconds,
                pool=settings.pool_timeout_seconds,
            ),
            limits=httpx.Limits(max_connections=settings.max_connections, max_keepalive_connections=20),
            follow_redirects=False,
        )

    async def request(self, method: str, url: str, *, idempotent: bool | None = None, **kwargs: Any) -> httpx.Response:
        request = self._http.build_request(method.upper(), url, **kwargs)
        retry_all = (
            idempotent if idempotent is not None else request.method in IDEMPOTENT_METHODS or "idempotency-key" in request.headers
        )
        host = request.url.netloc.decode()
        breaker = self.breakers.for_host(host)

        async def attempt() -> httpx.Response:
            try:
                breaker.before_call()
            except CircuitOpenError:
                self._count(host, "circuit_open")
                raise
            try:
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                breaker.record_failure()
                self._count(host, type(exc).__name__)
                raise
            if response.status_code >= 500:
                breaker.record_failure()
            else:
                breaker.record_success()  # a 4xx, even 429, is the host answering
            self._count(host, f"{response.status_code // 100}xx")
            return response

        def should_retry(state: RetryCallState) -> bool:
            outcome = state.outcome
            assert outcome is not None
            if outcome.failed:
                exc = outcome.exception()
                if isinstance(exc, CircuitOpenError):
                    return False
                if isinstance(exc, _NOT_SENT):
                    return True
                return retry_all and isinstance(exc, httpx.TransportError)
            return retry_all and outcome.result().status_code in RETRY_STATUSES

        def wait(state: RetryCallState) -> float:
            outcome = state.outcome
            if outcome is not None and not outcome.failed:
                retry_after = _retry_after_seconds(outcome.result())
                if retry_after is not None:
                    return min(retry_after, self.settings.retry_after_max_seconds)
            return float(self._jitter(state))  # full jitter: uniform in [0, min(max, base * 2^n)]

        async def release(state: RetryCallState) -> None:
            outcome = state.outcome
            if outcome is not None and not outcome.failed:
                await outcome.result().aclose()  # give the connection back before sleeping

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=wait,
            retry=should_retry,
            before_sleep=release,
            sleep=self._sleep,
            retry_error_callback=lambda state: state.outcome.result(),  # type: ignore[union-attr]
        )
        return await retrying(attempt)

    def _count(self, host: str, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.attempts.labels(host=host, outcome=outcome).inc()

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", url, **kwargs)

    async def aclose(self) -> None:
        await self._http.aclose()


class ConnectorMetrics:
    """`connector_attempts_total{host, outcome}`: every attempt, retries included; outcome is
    `2xx`..`5xx`, a transport error class name, or `circuit_open`."""

    def __init__(self, registry: Any) -> None:
        from prometheus_client import Counter

        self.attempts = Counter(
            "connector_attempts_total", "Outbound connector HTTP attempts.", ("host", "outcome"), registry=registry
        )


def _retry_after_seconds(response: httpx.Response) -> float | None:
    if response.status_code not in (429, 503):
        return None
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    return None  # HTTP-date form: fall back to our own backoff


__all__ = ["ConnectorClient", "ConnectorMetrics", "CircuitOpenError", "IDEMPOTENT_METHODS", "RETRY_STATUSES"]
