"""Inbound webhooks: HMAC-SHA256 over `"<timestamp>.<body>"`, stale timestamps and replays refused.

A sender signs with the shared secret of its source and sends:
  X-Webhook-Timestamp: <unix seconds>
  X-Webhook-Signature: v1=<hex hmac-sha256(secret, f"{timestamp}." + body)>  (several, comma-separated)
  X-Webhook-Id: <unique id>                                                    (optional)
A delivery is accepted once: its id (or, without one, its signature) is remembered for twice the
tolerance window, in Redis when the service has it, else in this process.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.api.problems import Problem
from app.core.log import get_logger

SIGNATURE_HEADER = "x-webhook-signature"
TIMESTAMP_HEADER = "x-webhook-timestamp"
ID_HEADER = "x-webhook-id"
_log = get_logger("app.features.integrations.webhooks")


def sign(secret: bytes, timestamp: int | str, body: bytes) -> str:
    """The signature header value a sender computes (also used by tests and by outbound webhooks)."""
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def verify_signature(secrets: list[bytes], timestamp: str, body: bytes, header: str) -> bool:
    """True when any `v1=` signature in the header matches any secret; compared in constant time."""
    offered = [part.strip()[3:] for part in header.split(",") if part.strip().startswith("v1=")]
    matched = False
    for secret in secrets:
        expected = sign(secret, timestamp, body)[3:]
        for candidate in offered:
            # Accumulate instead of returning early: the time taken does not depend on which matched.
            matched |= hmac.compare_digest(expected.encode(), candidate.encode())
    return matched


class ReplayGuard:
    """Remembers delivery keys with a TTL: Redis `SET NX EX` when available, else an in-process dict."""

    def __init__(self, redis: Any, *, prefix: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._redis = redis
        self._prefix = prefix
        self._clock = clock
        self._seen: dict[str, float] = {}

    async def first_time(self, key: str, *, ttl_seconds: int) -> bool:
        if self._redis is not None:
            try:
                return bool(await self._redis.set(f"{self._prefix}:{key}", "1", nx=True, ex=ttl_seconds))
            except Exception as exc:  # noqa: BLE001 - Redis down: keep protecting this pod at least
                _log.warning("webhook_replay_store_unavailable", error=repr(exc))
        now = self._clock()
        if len(self._seen) > 10_000:
            self._seen = {k: exp for k, exp in self._seen.items() if exp > now}
        expires = self._seen.get(key)
        if expires is not None and expires > now:
            return False
        self._seen[key] = now + ttl_seconds
        return True


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    source: str
    delivery_id: str
    timestamp: int
    body: bytes
    headers: dict[str, str]


WebhookHandler = Callable[[WebhookEvent], Awaitable[None]]


class WebhookReceiver:
    """Verifies deliveries and hands them to the handler registered for their source."""

    def __init__(
        self,
        settings: Any,
        *,
        replay_guard: ReplayGuard,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.replay_guard = replay_guard
        self._clock = clock
        self._handlers: dict[str, WebhookHandler] = {}

    def on(self, source: str, handler: WebhookHandler) -> None:
        """Register what to do with verified deliveries of `source` (one handler per source)."""
        self._handlers[source] = handler

    async def receive(self, source: str, headers: dict[str, str], body: bytes) -> WebhookEvent:
        """Verify and dispatch one delivery.

        Raises:
            Problem: 404 unknown source; 401 missing/bad signature or stale timestamp; 409 replay.
        """
        secrets = self.settings.secrets_for(source)
        if not secrets:
            raise Problem(404, detail=f"No webhook source named {source!r}.")
        signature = headers.get(SIGNATURE_HEADER)
        raw_timestamp = headers.get(TIMESTAMP_HEADER, "")
        if not signature or not raw_timestamp:
            raise Problem(401, detail="Missing X-Webhook-Signature or X-Webhook-Timestamp.")
        if not raw_timestamp.isdigit():
            raise Problem(401, detail="X-Webhook-Timestamp must be Unix seconds.")
        # Verify before looking at freshness, so an unsigned request learns nothing about our clock.
        if not verify_signature(secrets, raw_timestamp, body, signature):
            raise Problem(401, detail="Signature does not match.")
        timestamp = int(raw_timestamp)
        tolerance = self.settings.webhook_tolerance_seconds
        if abs(self._clock() - timestamp) > tolerance:
            raise Problem(401, detail=f"Timestamp is outside the {tolerance}s tolerance window.")
        delivery_id = headers.get(ID_HEADER) or hashlib.sha256(signature.encode()).hexdigest()
        if not await self.replay_guard.first_time(f"{source}:{delivery_id}", ttl_seconds=2 * tolerance):
            raise Problem(409, detail="This delivery was already received.", type="urn:problem-type:webhook-replay")
        event = WebhookEvent(source, delivery_id, timestamp, body, headers)
        handler = self._handlers.get(source)
        if handler is None:
            _log.info("webhook_received_without_handler", source=source, delivery_id=delivery_id, bytes=len(body))
        else:
            await handler(event)
        return event


def new_delivery_id() -> str:
    return uuid.uuid4().hex
