"""Integrations: a resilient outbound HTTP client for connectors, and verified inbound webhooks."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.api.routing import include
from app.api.services import services
from app.features.integrations.breaker import (
    BreakerRegistry,
    CircuitBreaker,
    CircuitOpenError,
    State,
)
from app.features.integrations.client import ConnectorClient, ConnectorMetrics
from app.features.integrations.settings import IntegrationsSettings
from app.features.integrations.webhooks import (
    ReplayGuard,
    WebhookEvent,
    WebhookReceiver,
    sign,
)

__all__ = [
    "BreakerRegistry",
    "CircuitBreaker",
    "CircuitOpenError",
    "ConnectorClient",
    "ConnectorMetrics",
    "IntegrationsSettings",
    "State",
    "WebhookEvent",
    "WebhookReceiver",
    "install",
    "sign",
]


def install(app: FastAPI, settings: Any) -> None:
    """Provide a shared `ConnectorClient` and a `WebhookReceiver` (register handlers with
    `services(app).get(WebhookReceiver).on("github", handler)`); mount the webhook route."""
    from app.features.integrations.router import router

    integrations_settings = IntegrationsSettings()
    shared = services(app)
    connectors = ConnectorClient(integrations_settings, metrics=ConnectorMetrics(shared.metrics.registry))
    shared.provide(connectors)
    shared.provide(
        WebhookReceiver(
            integrations_settings,
            replay_guard=ReplayGuard(shared.redis, prefix=f"{settings.service_name}:webhooks:seen"),
        )
    )
    include(app, router)
    shared.lifecycle.on_shutdown(connectors.aclose)
