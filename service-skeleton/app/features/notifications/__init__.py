"""Notifications: e-mail (SES v2), SMS and push (SNS) behind one `Notifier`; a readable outbox locally."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.api.routing import include
from app.api.services import services
from app.features.notifications.notifier import (
    Delivery,
    InvalidNotification,
    Notification,
    NotificationError,
    Notifier,
)
from app.features.notifications.settings import NotifySettings

__all__ = [
    "Delivery",
    "InvalidNotification",
    "Notification",
    "NotificationError",
    "Notifier",
    "NotifySettings",
    "build_notifier",
    "install",
]


def _is_local(settings: Any) -> bool:
    local = getattr(settings, "is_local", None)
    return bool(local) if local is not None else settings.environment in ("local", "test")


def build_notifier(settings: Any, notify_settings: NotifySettings | None = None) -> Notifier:
    """The notifier for this environment (the worker calls this too)."""
    notify_settings = notify_settings or NotifySettings()
    if notify_settings.resolved_backend(is_local=_is_local(settings)) == "outbox":
        from app.features.notifications.outbox import OutboxNotifier

        return OutboxNotifier(notify_settings.outbox_path, email_from=notify_settings.email_from)
    from app.features.notifications.aws import AwsNotifier

    return AwsNotifier.from_settings(notify_settings)


def install(app: FastAPI, settings: Any) -> None:
    """Provide an `InstrumentedNotifier` (`services(app).get(InstrumentedNotifier)`); mount
    `GET /notifications/outbox` only when it is the outbox."""
    from app.features.notifications.metrics import InstrumentedNotifier
    from app.features.notifications.outbox import OutboxNotifier

    inner = build_notifier(settings)
    is_outbox = isinstance(inner, OutboxNotifier)
    shared = services(app)
    notifier = InstrumentedNotifier(inner, shared.metrics.registry, backend="outbox" if is_outbox else "aws")
    shared.provide(notifier)
    if is_outbox and _is_local(settings):
        from app.features.notifications.router import router

        include(app, router)
    shared.lifecycle.on_shutdown(notifier.close)
