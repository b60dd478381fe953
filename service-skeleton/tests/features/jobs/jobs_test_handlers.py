"""Job handlers that the worker subprocess loads in tests (JOBS_HANDLER_MODULES=jobs_test_handlers).

`test.slow` writes a marker when it starts, sleeps, then writes another when it finishes: the
SIGTERM test checks the job in hand is finished before the worker exits.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from app.features.jobs.handlers import JobContext, JobHandlers
from app.features.jobs.queue import Job


async def slow(job: Job, ctx: JobContext) -> None:
    marks = Path(os.environ["TEST_MARKS_DIR"])
    (marks / f"{job.payload['name']}.started").write_text(str(os.getpid()))
    await asyncio.sleep(float(job.payload.get("seconds", 1.0)))
    (marks / f"{job.payload['name']}.finished").write_text(str(os.getpid()))


async def always_fails(job: Job, ctx: JobContext) -> None:
    raise RuntimeError(f"failing on purpose (attempt {ctx.receive_count})")


async def record(job: Job, ctx: JobContext) -> None:
    """Append "<name> <pid>" to TEST_RECORD_FILE: a job run twice shows up twice."""
    line = f"{job.payload['name']} {os.getpid()}\n".encode()
    fd = os.open(os.environ["TEST_RECORD_FILE"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    await asyncio.sleep(float(job.payload.get("seconds", 0)))


def register(handlers: JobHandlers) -> None:
    handlers.register("test.slow", slow)
    handlers.register("test.fail", always_fails)
    handlers.register("test.record", record)
