"""`POST /webhooks/{source}`: signed third-party callbacks. No bearer token: the signature is the auth."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request

from app.api.routing import Routes
from app.api.services import services
from app.features.integrations.webhooks import WebhookReceiver

router = Routes(tags=["integrations"])


@router.post(
    "/webhooks/{source}",
    name="webhooks.receive",
    status_code=202,
    # No bearer token: the signature is the auth. The raw body is read by the route itself.
    openapi_extra={"security": []},
    responses={
        401: {"description": "Missing, malformed or wrong signature, or a timestamp outside the window."},
        409: {"description": "This delivery was already received."},
        413: {"description": "The request body is too large."},
    },
)
async def receive_webhook(
    request: Request, source: Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
) -> dict[str, Any]:
    """Verify a signed delivery and hand it to the source's handler; 202 once accepted."""
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    event = await services(request.app).get(WebhookReceiver).receive(source, headers, body)
    return {"accepted": True, "source": event.source, "delivery_id": event.delivery_id}
