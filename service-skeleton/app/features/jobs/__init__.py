"""Background jobs: producers enqueue to SQS (a SQLite-file queue locally); `python -m app.worker` consumes."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.api.routing import include
from app.api.services import services
from app.features.jobs.factory import JobProducer
from app.features.jobs.handlers import JobContext, JobHandlers, PermanentJobError
from app.features.jobs.metrics import JobMetrics, registry_of
from app.features.jobs.queue import Job, JobQueue, ReceivedMessage
from app.features.jobs.settings import JobsSettings

__all__ = [
    "Job",
    "JobContext",
    "JobHandlers",
    "JobProducer",
    "JobQueue",
    "JobsSettings",
    "PermanentJobError",
    "ReceivedMessage",
    "install",
]


def install(app: FastAPI, settings: Any) -> None:
    """Provide a `JobProducer` (`services(app).get(JobProducer)`), the enqueue route, queue readiness and shutdown."""
    from app.features.jobs.router import router

    jobs_settings = JobsSettings()
    shared = services(app)
    metrics = JobMetrics.for_registry(registry_of(shared.metrics))
    producer = JobProducer(settings, jobs_settings, metrics)
    shared.provide(producer)
    include(app, router)
    # Not critical: without the queue the rest of the API still serves; enqueues answer 503.
    shared.readiness.register("jobs_queue", producer.ping, critical=False)
    shared.lifecycle.on_shutdown(producer.close)
