"""HTTP side of jobs: enqueue the example job."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from pydantic import BaseModel, Field

from app.api.deps import CurrentUser
from app.api.guard import rate_limit
from app.api.problems import Problem
from app.api.routing import Routes
from app.api.services import services
from app.core.log import get_logger
from app.features.jobs.examples import ITEM_DIGEST
from app.features.jobs.factory import JobProducer
from app.features.jobs.queue import Job

router = Routes(prefix="/jobs", tags=["jobs"])
_log = get_logger("app.features.jobs")


class ItemDigestRequest(BaseModel):
    to: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    items: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=100)


class Enqueued(BaseModel):
    job_id: str
    message_id: str
    idempotency_key: str


@router.post(
    "/item-digest",
    name="jobs.item_digest",
    status_code=202,
    response_model=Enqueued,
    dependencies=[Depends(rate_limit)],
)
async def enqueue_item_digest(
    body: ItemDigestRequest,
    request: Request,
    principal: CurrentUser,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Enqueued:
    """Queue an e-mail digest of items; the worker sends it. `Idempotency-Key` makes retries safe."""
    key = f"{ITEM_DIGEST}:{principal.subject}:{idempotency_key}" if idempotency_key else ""
    job = Job(
        type=ITEM_DIGEST, payload={"to": body.to, "items": body.items, "requested_by": principal.subject}, idempotency_key=key
    )
    try:
        message_id = await services(request.app).get(JobProducer).enqueue(job)
    except Exception as exc:  # noqa: BLE001 - any queue failure means "try again later" to the caller
        _log.warning("job_enqueue_failed", type=job.type, error=repr(exc))
        raise Problem(503, detail="The job queue is unavailable; retry later.", headers={"Retry-After": "5"}) from None
    return Enqueued(job_id=job.id, message_id=message_id, idempotency_key=job.idempotency_key)
