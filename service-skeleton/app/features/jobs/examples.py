"""The example job of the skeleton: an item digest e-mailed to a user (replace with your own jobs).

It uses the notifications feature when the service has it; a service generated without it still
runs the job and logs the digest instead.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from app.core.log import get_logger
from app.features.jobs.handlers import JobContext, JobHandlers, PermanentJobError
from app.features.jobs.queue import Job

ITEM_DIGEST = "items.digest"
_log = get_logger("app.features.jobs.examples")


def render_digest(items: list[str]) -> tuple[str, str]:
    subject = f"Your item digest: {len(items)} item{'s' if len(items) != 1 else ''}"
    body = "\n".join(f"- {title}" for title in items) or "No items."
    return subject, body


async def _notifier(ctx: JobContext) -> Any | None:
    if "notifier" not in ctx.resources:
        if importlib.util.find_spec("app.features.notifications") is None:
            ctx.resources["notifier"] = None
        else:
            notifications = importlib.import_module("app.features.notifications")
            ctx.resources["notifier"] = notifications.build_notifier(ctx.settings)
    return ctx.resources["notifier"]


async def send_item_digest(job: Job, ctx: JobContext) -> None:
    to = job.payload.get("to")
    items = job.payload.get("items")
    if not isinstance(to, str) or "@" not in to or not isinstance(items, list):
        raise PermanentJobError("payload needs 'to' (an e-mail address) and 'items' (a list of titles)")
    subject, body = render_digest([str(item) for item in items])
    notifier = await _notifier(ctx)
    if notifier is None:
        _log.info("item_digest_rendered", to=to, subject=subject, items=len(items))
        return
    notifications = importlib.import_module("app.features.notifications")
    await notifier.send(notifications.Notification.email(to=to, subject=subject, text=body))


def register(handlers: JobHandlers) -> None:
    handlers.register(ITEM_DIGEST, send_item_digest)
