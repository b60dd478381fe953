"""The local SQLite-file queue and idempotency store: SQS semantics without a server."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from app.features.jobs.consumer import RetryPolicy, Worker
from app.features.jobs.handlers import JobContext, JobHandlers
from app.features.jobs.idempotency import Claim, MemoryIdempotencyStore, SqliteIdempotencyStore
from app.features.jobs.local_queue import SqliteJobQueue
from app.features.jobs.metrics import JobMetrics
from app.features.jobs.queue import InvalidJob, Job


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def queue(tmp_path: Path, clock: Clock) -> SqliteJobQueue:
    return SqliteJobQueue(tmp_path / "q.sqlite3", name="jobs", visibility_timeout_seconds=30, clock=clock)


async def test_receive_hides_the_message_until_the_visibility_timeout(queue: SqliteJobQueue, clock: Clock) -> None:
    await queue.send(Job(type="t", payload={"a": 1}))
    [first] = await queue.receive(max_messages=10, wait_seconds=0)
    assert first.receive_count == 1 and Job.from_json(first.body).payload == {"a": 1}
    assert await queue.receive(max_messages=10, wait_seconds=0) == []
    clock.now += 31
    [again] = await queue.receive(max_messages=10, wait_seconds=0)
    assert again.message_id == first.message_id and again.receive_count == 2
    # The first delivery's receipt is stale: deleting with it must not drop the redelivered message.
    await queue.delete(first)
    assert (await queue.counts())["jobs"] == 1
    await queue.delete(again)
    assert await queue.counts() == {}


async def test_change_visibility_and_dead_letter(queue: SqliteJobQueue, clock: Clock) -> None:
    await queue.send(Job(type="t"))
    [msg] = await queue.receive(max_messages=1, wait_seconds=0)
    await queue.change_visibility(msg, 0)
    [msg] = await queue.receive(max_messages=1, wait_seconds=0)
    await queue.move_to_dead_letter(msg, reason="permanent: nope")
    assert await queue.counts() == {"jobs-dlq": 1}
    [dead] = await queue.dead_letters()
    assert dead["reason"] == "permanent: nope" and dead["body"]["type"] == "t"


async def test_delay_and_long_poll(tmp_path: Path) -> None:
    queue = SqliteJobQueue(tmp_path / "q.sqlite3", name="jobs", poll_seconds=0.05)
    await queue.send(Job(type="t"), delay_seconds=60)
    assert await queue.receive(max_messages=1, wait_seconds=0.2) == []

    async def later() -> None:
        await asyncio.sleep(0.1)
        await queue.send(Job(type="t2"))

    task = asyncio.create_task(later())
    [msg] = await queue.receive(max_messages=1, wait_seconds=2)
    await task
    assert Job.from_json(msg.body).type == "t2"


async def test_sqlite_idempotency_state_machine(tmp_path: Path, clock: Clock) -> None:
    a = SqliteIdempotencyStore(tmp_path / "i.sqlite3", clock=clock)
    b = SqliteIdempotencyStore(tmp_path / "i.sqlite3", clock=clock)  # another process, same file
    assert await a.claim("k", lease_seconds=10) is Claim.ACQUIRED
    assert await b.claim("k", lease_seconds=10) is Claim.BUSY
    clock.now += 11  # the lease of a crashed worker expires
    assert await b.claim("k", lease_seconds=10) is Claim.ACQUIRED
    await b.complete("k", ttl_seconds=100)
    await a.release("k")  # a late release never forgets a completed key
    assert await a.claim("k", lease_seconds=10) is Claim.DONE
    clock.now += 101
    assert await a.claim("k", lease_seconds=10) is Claim.ACQUIRED


def test_retry_policy_grows_exponentially_and_is_capped() -> None:
    policy = RetryPolicy(base_seconds=2, max_seconds=100)
    assert [policy.delay(n, rand=lambda: 1.0) for n in (1, 2, 3, 4, 8)] == [2, 4, 8, 16, 100]
    assert [policy.delay(n, rand=lambda: 0.0) for n in (1, 2, 3)] == [1, 2, 4]


def test_job_envelope_round_trip_and_default_key() -> None:
    job = Job(type="t", payload={"x": [1, 2]})
    assert job.idempotency_key == f"job:{job.id}"
    assert Job.from_json(job.to_json()) == job
    with pytest.raises(InvalidJob):
        Job.from_json('{"payload": {}}')


async def test_worker_on_local_queue_redelivers_a_job_whose_worker_died(queue: SqliteJobQueue, clock: Clock) -> None:
    """A worker that dies mid-job leaves the message hidden; after the timeout another worker runs it."""
    runs: list[str] = []
    handlers = JobHandlers()

    async def handle(job: Job, ctx: JobContext) -> None:
        runs.append(job.id)

    handlers.register("t", handle)
    await queue.send(Job(type="t"))
    await queue.receive(max_messages=1, wait_seconds=0)  # the "dead" worker's delivery
    worker = Worker(
        queue=queue,
        handlers=handlers,
        idempotency=MemoryIdempotencyStore(),
        context=JobContext(settings=None, jobs_settings=None),
        metrics=JobMetrics.for_registry(CollectorRegistry()),
        retry=RetryPolicy(max_receives=3, base_seconds=0),
        visibility_timeout_seconds=30,
        idempotency_ttl_seconds=60,
    )
    assert (await worker.run_until_empty()).processed == 0
    clock.now += 31
    assert (await worker.run_until_empty()).processed == 1
    assert len(runs) == 1 and await queue.counts() == {}


async def test_heartbeat_keeps_a_long_job_invisible_to_other_workers(tmp_path: Path) -> None:
    """A job longer than the visibility timeout is not redelivered while its worker is alive."""
    queue = SqliteJobQueue(tmp_path / "q.sqlite3", name="jobs", visibility_timeout_seconds=1)
    idempotency = SqliteIdempotencyStore(tmp_path / "i.sqlite3")
    handlers = JobHandlers()

    async def slow(job: Job, ctx: JobContext) -> None:
        await asyncio.sleep(2.2)

    handlers.register("slow", slow)
    await queue.send(Job(type="slow", idempotency_key="long"))
    worker = Worker(
        queue=queue,
        handlers=handlers,
        idempotency=idempotency,
        context=JobContext(settings=None, jobs_settings=None),
        metrics=JobMetrics.for_registry(CollectorRegistry()),
        retry=RetryPolicy(max_receives=3, base_seconds=0),
        visibility_timeout_seconds=1,
        idempotency_ttl_seconds=60,
    )
    [message] = await queue.receive(max_messages=1, wait_seconds=0)
    running = asyncio.create_task(worker.process(message))
    stolen = []
    for _ in range(20):  # another worker polls all through the job
        stolen += await queue.receive(max_messages=1, wait_seconds=0)
        await asyncio.sleep(0.1)
    await running
    assert stolen == []
    assert await idempotency.claim("long", lease_seconds=1) is Claim.DONE
    assert await queue.counts() == {}


async def test_worker_survives_a_queue_outage_and_stops_on_request(queue: SqliteJobQueue) -> None:
    runs: list[str] = []
    handlers = JobHandlers()

    async def handle(job: Job, ctx: JobContext) -> None:
        runs.append(job.type)

    handlers.register("t", handle)
    await queue.send(Job(type="t"))
    real_receive, failures = queue.receive, [ConnectionError("queue down"), ConnectionError("still down")]

    async def flaky_receive(**kwargs: Any) -> Any:
        if failures:
            raise failures.pop(0)
        return await real_receive(**kwargs)

    queue.receive = flaky_receive  # type: ignore[method-assign]
    stop = asyncio.Event()
    worker = Worker(
        queue=queue,
        handlers=handlers,
        idempotency=MemoryIdempotencyStore(),
        context=JobContext(settings=None, jobs_settings=None),
        metrics=JobMetrics.for_registry(CollectorRegistry()),
        retry=RetryPolicy(),
        visibility_timeout_seconds=30,
        idempotency_ttl_seconds=60,
        poll_wait_seconds=0.05,
        receive_error_pause_seconds=0.01,
    )
    running = asyncio.create_task(worker.run(stop))
    for _ in range(100):
        if runs:
            break
        await asyncio.sleep(0.02)
    stop.set()
    stats = await asyncio.wait_for(running, timeout=5)
    assert runs == ["t"] and stats.processed == 1 and failures == []
