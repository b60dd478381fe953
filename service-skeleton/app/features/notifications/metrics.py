"""`notifications_total{channel, backend, outcome}` around any `Notifier`."""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter

from app.features.notifications.notifier import Delivery, Notification, Notifier


class InstrumentedNotifier:
    """Counts every send by channel, backend and outcome (`sent`, or the error class name)."""

    def __init__(self, inner: Notifier, registry: Any, *, backend: str) -> None:
        self.inner = inner
        self.backend = backend
        self._counter = Counter(
            "notifications_total", "Notifications sent or refused.", ("channel", "backend", "outcome"), registry=registry
        )

    async def send(self, notification: Notification) -> Delivery:
        try:
            delivery = await self.inner.send(notification)
        except Exception as exc:
            self._counter.labels(notification.channel, self.backend, type(exc).__name__).inc()
            raise
        self._counter.labels(notification.channel, self.backend, "sent").inc()
        return delivery

    async def close(self) -> None:
        await self.inner.close()

    def __getattr__(self, name: str) -> Any:  # e.g. the outbox's read()
        return getattr(self.inner, name)
