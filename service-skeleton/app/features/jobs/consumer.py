"""The worker loop: receive, run the handler once per idempotency key, retry with backoff, dead-letter.

Retries use the queue's own visibility timeout (a failed message is made visible again after an
exponentially growing delay), so nothing is lost if the worker dies between attempts.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.core.log import get_logger
from app.features.jobs.handlers import JobContext, JobHandlers, PermanentJobError
from app.features.jobs.idempotency import Claim, IdempotencyStore
from app.features.jobs.metrics import JobMetrics
from app.features.jobs.queue import InvalidJob, Job, JobQueue, ReceivedMessage

_log = get_logger("app.features.jobs.worker")


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass


@dataclass(frozen=True)
class RetryPolicy:
    max_receives: int = 5
    base_seconds: float = 2.0
    max_seconds: float = 900.0
    busy_retry_seconds: int = 5

    def delay(self, receive_count: int, *, rand: Callable[[], float] = random.random) -> int:
        """Exponential backoff with "equal jitter": half fixed, half random, never below 0."""
        ceiling = min(self.max_seconds, self.base_seconds * (2 ** max(0, receive_count - 1)))
        return int(round(ceiling / 2 + rand() * ceiling / 2))


@dataclass
class WorkerStats:
    processed: int = 0
    failed: int = 0
    dead_lettered: int = 0
    duplicates: int = 0


class Worker:
    """Consumes one queue until `stop` is set; the message in hand is always finished first."""

    def __init__(
        self,
        *,
        queue: JobQueue,
        handlers: JobHandlers,
        idempotency: IdempotencyStore,
        context: JobContext,
        metrics: JobMetrics,
        retry: RetryPolicy,
        visibility_timeout_seconds: int,
        idempotency_ttl_seconds: int,
        batch_size: int = 1,
        poll_wait_seconds: float = 10.0,
        rand: Callable[[], float] = random.random,
        receive_error_pause_seconds: float = 5.0,
    ) -> None:
        self.queue = queue
        self.handlers = handlers
        self.idempotency = idempotency
        self.context = context
        self.metrics = metrics
        self.retry = retry
        self.visibility_timeout_seconds = visibility_timeout_seconds
        self.idempotency_ttl_seconds = idempotency_ttl_seconds
        self.batch_size = batch_size
        self.poll_wait_seconds = poll_wait_seconds
        self.receive_error_pause_seconds = receive_error_pause_seconds
        self.stats = WorkerStats()
        self._rand = rand
        self._redrive: bool | None = None

    async def run(self, stop: asyncio.Event) -> WorkerStats:
        _log.info("worker_started", queue=self.queue.name, handlers=self.handlers.types())
        while not stop.is_set():
            receiving = asyncio.ensure_future(
                self.queue.receive(max_messages=self.batch_size, wait_seconds=self.poll_wait_seconds)
            )
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            # A receive in flight is never cancelled: its messages would stay hidden for the whole
            # visibility timeout. Let it finish (bounded by the long-poll wait) and hand back what
            # it got if we are stopping.
            try:
                messages = await receiving
            except Exception as exc:  # noqa: BLE001 - a queue outage must not kill the worker
                _log.warning("job_receive_failed", queue=self.queue.name, error=repr(exc))
                await _sleep_unless(stop, self.receive_error_pause_seconds)
                continue
            for index, message in enumerate(messages):
                if stop.is_set():
                    await self._release(messages[index:])
                    break
                try:
                    await self.process(message)
                except Exception as exc:  # noqa: BLE001 - e.g. a failed delete: the message comes back
                    _log.error("job_processing_error", message_id=message.message_id, error=repr(exc))
        _log.info("worker_stopped", queue=self.queue.name, **vars(self.stats))
        return self.stats

    async def run_until_empty(self, *, max_rounds: int = 100) -> WorkerStats:
        """Process until a receive comes back empty (tests and one-shot drains)."""
        for _ in range(max_rounds):
            messages = await self.queue.receive(max_messages=self.batch_size, wait_seconds=0)
            if not messages:
                break
            for message in messages:
                await self.process(message)
        return self.stats

    async def _release(self, messages: list[ReceivedMessage]) -> None:
        for message in messages:
            await self.queue.change_visibility(message, 0)

    async def _has_redrive(self) -> bool:
        if self._redrive is None:
            self._redrive = await self.queue.has_redrive()
        return self._redrive

    async def _dead_letter(self, message: ReceivedMessage, job_type: str, reason: str) -> None:
        await self.queue.move_to_dead_letter(message, reason=reason)
        self.stats.dead_lettered += 1
        self.metrics.dead_lettered.labels(type=job_type, reason=reason.split(":", 1)[0]).inc()
        _log.warning("job_dead_lettered", message_id=message.message_id, type=job_type, reason=reason)

    async def process(self, message: ReceivedMessage) -> None:
        """Handle one delivery; never raises for a handler's failure."""
        try:
            job = Job.from_json(message.body)
        except InvalidJob as exc:
            await self._dead_letter(message, "invalid", f"invalid_body: {exc}")
            return
        if message.receive_count > self.retry.max_receives:
            # Received more often than allowed without being acknowledged (e.g. the worker
            # crashed mid-job every time): the same limit SQS redrive enforces.
            await self._dead_letter(message, job.type, f"max_receives: received {message.receive_count} times")
            return
        handler = self.handlers.get(job.type)
        if handler is None:
            await self._dead_letter(message, job.type, f"no_handler: no handler for job type {job.type!r}")
            return

        claim = await self.idempotency.claim(job.idempotency_key, lease_seconds=self.visibility_timeout_seconds)
        if claim is Claim.DONE:
            await self.queue.delete(message)
            self.stats.duplicates += 1
            self.metrics.duplicates.labels(type=job.type).inc()
            _log.info("job_duplicate_skipped", job_id=job.id, idempotency_key=job.idempotency_key)
            return
        if claim is Claim.BUSY:
            await self.queue.change_visibility(message, self.retry.busy_retry_seconds)
            return

        self.context.receive_count = message.receive_count
        started = time.perf_counter()
        heartbeat = asyncio.ensure_future(self._keep_invisible(message, job.idempotency_key))
        try:
            try:
                await handler(job, self.context)
            finally:
                heartbeat.cancel()
                await asyncio.gather(heartbeat, return_exceptions=True)
        except PermanentJobError as exc:
            await self._failed(job, started)
            await self.idempotency.release(job.idempotency_key)
            await self._dead_letter(message, job.type, f"permanent: {exc}")
        except Exception as exc:  # noqa: BLE001 - any handler error is a failed attempt, retried below
            await self._failed(job, started)
            await self.idempotency.release(job.idempotency_key)
            _log.warning(
                "job_failed",
                job_id=job.id,
                type=job.type,
                attempt=message.receive_count,
                error=f"{type(exc).__name__}: {exc}",
            )
            if message.receive_count >= self.retry.max_receives and not await self._has_redrive():
                await self._dead_letter(message, job.type, f"max_receives: failed {message.receive_count} times")
            else:
                await self.queue.change_visibility(message, self.retry.delay(message.receive_count, rand=self._rand))
        else:
            elapsed = time.perf_counter() - started
            # Remember the key before acknowledging: a lost delete then yields a skipped duplicate.
            await self.idempotency.complete(job.idempotency_key, ttl_seconds=self.idempotency_ttl_seconds)
            await self.queue.delete(message)
            self.stats.processed += 1
            self.metrics.processed.labels(type=job.type).inc()
            self.metrics.duration.labels(type=job.type, outcome="success").observe(elapsed)
            _log.info("job_processed", job_id=job.id, type=job.type, seconds=round(elapsed, 4))

    async def _keep_invisible(self, message: ReceivedMessage, key: str) -> None:
        """While a handler runs, push the visibility timeout (and the idempotency lease) forward, so
        a job longer than the timeout is neither redelivered nor run by a second worker."""
        interval = max(0.5, self.visibility_timeout_seconds / 2)
        while True:
            await asyncio.sleep(interval)
            try:
                await self.queue.change_visibility(message, self.visibility_timeout_seconds)
                await self.idempotency.extend(key, lease_seconds=self.visibility_timeout_seconds)
            except Exception as exc:  # noqa: BLE001 - a missed heartbeat risks a duplicate, not a loss
                _log.warning("job_heartbeat_failed", message_id=message.message_id, error=repr(exc))

    async def _failed(self, job: Job, started: float) -> None:
        self.stats.failed += 1
        self.metrics.failed.labels(type=job.type).inc()
        self.metrics.duration.labels(type=job.type, outcome="failure").observe(time.perf_counter() - started)
