"""The local outbox over HTTP: mounted only on embedded defaults (ENVIRONMENT=local/test)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request

from app.api.routing import Routes
from app.api.services import services
from app.auth import require_user
from app.features.notifications.metrics import InstrumentedNotifier

router = Routes(prefix="/notifications", tags=["notifications"], dependencies=[Depends(require_user)])


@router.get("/outbox", name="notifications.outbox")
async def read_outbox(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    channel: Literal["email", "sms", "push"] | None = None,
    to: Annotated[str | None, Query(max_length=254)] = None,
) -> dict[str, Any]:
    """What the service would have sent: e-mails, SMS and pushes, oldest first."""
    outbox = services(request.app).get(InstrumentedNotifier)
    entries = outbox.read(limit=limit, channel=channel, to=to)
    return {"items": entries, "count": len(entries)}
