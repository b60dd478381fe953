"""Integrations: a resilient outbound HTTP client for connectors, and verified inbound webhooks."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

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
    """Expose `app.state.connectors` (a shared `ConnectorClient`) and `app.state.webhooks`
    (register handlers with `app.state.webhooks.on("github", handler)`); mount the webhook route."""
    from app.features.integrations.router import router

    integrations_settings = IntegrationsSettings()
    connectors = ConnectorClient(integrations_settings, metrics=ConnectorMetrics(app.state.metrics.registry))
    app.state.connectors = connectors
    app.state.webhooks = WebhookReceiver(
        integrations_settings,
        replay_guard=ReplayGuard(getattr(app.state, "redis", None), prefix=f"{settings.service_name}:webhooks:seen"),
    )
    app.include_router(router)
    app.state.lifecycle.on_shutdown(connectors.aclose)
