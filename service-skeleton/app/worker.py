"""The jobs worker process: `python -m app.worker` consumes the job queue until SIGTERM or SIGINT.

On a signal it stops receiving, finishes the job in hand, hands back any message it had received
but not started, and exits 0, so a Kubernetes rollout never loses or half-runs a job.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import Any


async def run_worker(settings: Any, *, once: bool = False, stop: asyncio.Event | None = None) -> int:
    from prometheus_client import CollectorRegistry, start_http_server

    from app.features.jobs.consumer import RetryPolicy, Worker
    from app.features.jobs.factory import build_idempotency_store, build_queue
    from app.features.jobs.handlers import JobContext, JobHandlers
    from app.features.jobs.local_queue import SqliteJobQueue
    from app.features.jobs.metrics import JobMetrics
    from app.features.jobs.settings import JobsSettings

    jobs_settings = JobsSettings()
    registry = CollectorRegistry(auto_describe=True)
    if jobs_settings.metrics_port:
        start_http_server(jobs_settings.metrics_port, registry=registry)

    redis = None
    if settings.redis_url:
        import redis.asyncio as aioredis

        # Not the API's 250 ms request-path timeout: a worker can afford to wait for Redis.
        redis = aioredis.Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
    queue = await asyncio.to_thread(build_queue, settings, jobs_settings)
    context = JobContext(settings=settings, jobs_settings=jobs_settings, redis=redis)
    worker = Worker(
        queue=queue,
        handlers=JobHandlers.from_modules(jobs_settings.handler_modules),
        idempotency=build_idempotency_store(settings, jobs_settings, redis),
        context=context,
        metrics=JobMetrics.for_registry(registry),
        retry=RetryPolicy(
            max_receives=jobs_settings.max_receives,
            base_seconds=jobs_settings.backoff_base_seconds,
            max_seconds=jobs_settings.backoff_max_seconds,
        ),
        visibility_timeout_seconds=jobs_settings.visibility_timeout_seconds,
        idempotency_ttl_seconds=jobs_settings.idempotency_ttl_seconds,
        batch_size=jobs_settings.batch_size,
        # Locally a short poll keeps shutdown quick; SQS long polling saves requests.
        poll_wait_seconds=(
            min(1.0, jobs_settings.wait_seconds) if isinstance(queue, SqliteJobQueue) else jobs_settings.wait_seconds
        ),
    )
    try:
        if once:
            await worker.run_until_empty()
        else:
            stop = stop or asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            await worker.run(stop)
    finally:
        for resource in context.resources.values():  # e.g. the notifier a handler built lazily
            close = getattr(resource, "close", None)
            if close is not None:
                await close()
        await queue.close()
        if redis is not None:
            await redis.aclose()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Consume the job queue of this service until SIGTERM (or, with --once, until it is empty)."""
    parser = argparse.ArgumentParser(prog="python -m app.worker", description=main.__doc__)
    parser.add_argument("--once", action="store_true", help="process what is queued now, then exit")
    args = parser.parse_args(argv)

    from app.core.log import configure_logging, get_logger
    from app.core.settings import ConfigurationError, Settings, check_production_ready

    settings = Settings()
    configure_logging(service=f"{settings.service_name}-worker", level=settings.log_level, json=settings.log_json)
    log = get_logger("app.worker")
    if settings.features is not None and "jobs" not in settings.features:
        log.error("worker_disabled", reason="FEATURES does not include jobs")
        return 2
    try:
        check_production_ready(settings)
    except ConfigurationError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return asyncio.run(run_worker(settings, once=args.once))


if __name__ == "__main__":
    sys.exit(main())
