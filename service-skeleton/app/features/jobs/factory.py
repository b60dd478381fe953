"""Builds the queue and the idempotency store for this environment; used by the API and the worker."""

from __future__ import annotations

import asyncio
from typing import Any

from app.features.jobs.idempotency import (
    IdempotencyStore,
    RedisIdempotencyStore,
    SqliteIdempotencyStore,
)
from app.features.jobs.local_queue import SqliteJobQueue
from app.features.jobs.metrics import JobMetrics
from app.features.jobs.queue import Job, JobQueue
from app.features.jobs.settings import JobsSettings


def is_local(settings: Any) -> bool:
    local = getattr(settings, "is_local", None)
    return bool(local) if local is not None else settings.environment in ("local", "test")


def redis_client(redis: Any) -> Any:
    """`redis` may be the client or the core's store holding `.client`."""
    if redis is None:
        return None
    if hasattr(redis, "set") and hasattr(redis, "get"):
        return redis
    return getattr(redis, "client", None)


def build_queue(settings: Any, jobs_settings: JobsSettings) -> JobQueue:
    """SQS outside local; locally a SQLite file under JOBS_LOCAL_DIR that every process shares."""
    name = jobs_settings.resolved_queue_name(settings.service_name)
    if jobs_settings.resolved_backend(is_local=is_local(settings)) == "local":
        return SqliteJobQueue(
            jobs_settings.local_dir / "queue.sqlite3",
            name=name,
            dlq_name=jobs_settings.resolved_dlq_name(settings.service_name),
            visibility_timeout_seconds=jobs_settings.visibility_timeout_seconds,
            poll_seconds=jobs_settings.local_poll_seconds,
        )
    from app.features.jobs.sqs_queue import SqsJobQueue

    return SqsJobQueue.from_settings(jobs_settings, service_name=settings.service_name)


def build_idempotency_store(settings: Any, jobs_settings: JobsSettings, redis: Any) -> IdempotencyStore:
    client = redis_client(redis)
    if client is not None:
        return RedisIdempotencyStore(client, prefix=f"{settings.service_name}:jobs:idem")
    if not is_local(settings):
        raise RuntimeError("the jobs worker needs REDIS_URL outside ENVIRONMENT=local (idempotency keys)")
    return SqliteIdempotencyStore(jobs_settings.local_dir / "idempotency.sqlite3")


class JobProducer:
    """What the API holds (`services(app).get(JobProducer)`): enqueues jobs, building the queue on first use so that
    startup never blocks on SQS (`get_queue_url`) and a missing queue shows up in readiness."""

    def __init__(self, settings: Any, jobs_settings: JobsSettings, metrics: JobMetrics) -> None:
        self.settings = settings
        self.jobs_settings = jobs_settings
        self.metrics = metrics
        self._queue: JobQueue | None = None
        self._lock = asyncio.Lock()

    async def queue(self) -> JobQueue:
        if self._queue is None:
            async with self._lock:
                if self._queue is None:
                    self._queue = await asyncio.to_thread(build_queue, self.settings, self.jobs_settings)
        return self._queue

    async def enqueue(self, job: Job, *, delay_seconds: int = 0) -> str:
        message_id = await (await self.queue()).send(job, delay_seconds=delay_seconds)
        self.metrics.enqueued.labels(type=job.type).inc()
        return message_id

    async def ping(self) -> None:
        await (await self.queue()).ping()

    async def close(self) -> None:
        if self._queue is not None:
            await self._queue.close()
