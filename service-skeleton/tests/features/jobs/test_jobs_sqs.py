"""The SQS path of jobs against a real moto server: enqueue, consume, retry, dead-letter, idempotency."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from app.about import SERVICE_NAME  # queue and key names follow the service's name
from app.features.jobs.consumer import RetryPolicy, Worker
from app.features.jobs.handlers import JobContext, JobHandlers, PermanentJobError
from app.features.jobs.idempotency import MemoryIdempotencyStore
from app.features.jobs.metrics import JobMetrics
from app.features.jobs.queue import Job
from app.features.jobs.settings import JobsSettings
from app.features.jobs.sqs_queue import SqsJobQueue

pytestmark = pytest.mark.integration


@pytest.fixture
def sqs(aws: str) -> Any:
    import boto3

    return boto3.client("sqs", region_name="us-east-1")


def _queues(sqs: Any, *, redrive_max: int | None = None) -> tuple[str, str]:
    dlq_url = sqs.create_queue(QueueName=f"{SERVICE_NAME}-jobs-dlq")["QueueUrl"]
    attrs: dict[str, str] = {"VisibilityTimeout": "30"}
    if redrive_max is not None:
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        attrs["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(redrive_max)})
    queue_url = sqs.create_queue(QueueName=f"{SERVICE_NAME}-jobs", Attributes=attrs)["QueueUrl"]
    return queue_url, dlq_url


def _worker(queue: SqsJobQueue, handlers: JobHandlers, *, max_receives: int = 3, base: float = 0.0) -> Worker:
    return Worker(
        queue=queue,
        handlers=handlers,
        idempotency=MemoryIdempotencyStore(),
        context=JobContext(settings=None, jobs_settings=None),
        metrics=JobMetrics.for_registry(CollectorRegistry()),
        retry=RetryPolicy(max_receives=max_receives, base_seconds=base, max_seconds=60),
        visibility_timeout_seconds=30,
        idempotency_ttl_seconds=3600,
        poll_wait_seconds=0,
    )


def _recorder(fail_times: int = 0, exc: Callable[[], Exception] = lambda: RuntimeError("boom")) -> tuple[JobHandlers, list[Job]]:
    seen: list[Job] = []
    handlers = JobHandlers()

    async def handle(job: Job, ctx: JobContext) -> None:
        seen.append(job)
        if len(seen) <= fail_times:
            raise exc()

    handlers.register("demo", handle)
    return handlers, seen


def _messages(sqs: Any, url: str) -> list[dict[str, Any]]:
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, MessageAttributeNames=["All"]).get(
        "Messages", []
    )


async def test_from_settings_resolves_queue_by_name_and_enqueue_consume(sqs: Any) -> None:
    queue_url, _ = _queues(sqs)
    queue = SqsJobQueue.from_settings(JobsSettings(region="us-east-1"), service_name=SERVICE_NAME)
    assert queue.queue_url == queue_url
    handlers, seen = _recorder()
    message_id = await queue.send(Job(type="demo", payload={"n": 1}, idempotency_key="k1"))
    assert message_id

    stats = await _worker(queue, handlers).run_until_empty()

    assert [job.payload for job in seen] == [{"n": 1}]
    assert stats.processed == 1 and stats.failed == 0
    assert _messages(sqs, queue_url) == []  # deleted after success


async def test_failed_job_is_retried_with_receive_count_then_succeeds(sqs: Any) -> None:
    queue_url, dlq_url = _queues(sqs)
    queue = SqsJobQueue(sqs, queue_url=queue_url)
    handlers, seen = _recorder(fail_times=2)
    await queue.send(Job(type="demo", payload={}, idempotency_key="retry-me"))

    stats = await _worker(queue, handlers, max_receives=5).run_until_empty()

    assert len(seen) == 3
    assert (stats.failed, stats.processed, stats.dead_lettered) == (2, 1, 0)
    assert _messages(sqs, queue_url) == [] and _messages(sqs, dlq_url) == []


async def test_backoff_hides_the_failed_message_for_the_computed_delay(sqs: Any) -> None:
    queue_url, _ = _queues(sqs)
    queue = SqsJobQueue(sqs, queue_url=queue_url)
    handlers, seen = _recorder(fail_times=1)
    await queue.send(Job(type="demo", idempotency_key="later"))

    stats = await _worker(queue, handlers, base=120).run_until_empty()

    # One attempt, then the visibility timeout was raised to >= 60 s (half of 120 s is fixed):
    # the message is still in the queue but not receivable now.
    assert (stats.failed, len(seen)) == (1, 1)
    assert _messages(sqs, queue_url) == []
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])
    assert attrs["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "1"


async def test_worker_dead_letters_after_max_receives_without_redrive(sqs: Any) -> None:
    queue_url, dlq_url = _queues(sqs)
    queue = SqsJobQueue(sqs, queue_url=queue_url)
    assert await queue.has_redrive() is False
    handlers, seen = _recorder(fail_times=100)
    await queue.send(Job(type="demo", payload={"x": 1}, idempotency_key="poison"))

    stats = await _worker(queue, handlers, max_receives=3).run_until_empty()

    assert len(seen) == 3  # exactly N attempts
    assert (stats.failed, stats.dead_lettered) == (3, 1)
    assert _messages(sqs, queue_url) == []
    [dead] = _messages(sqs, dlq_url)
    assert json.loads(dead["Body"])["payload"] == {"x": 1}
    assert dead["MessageAttributes"]["dead_letter_reason"]["StringValue"].startswith("max_receives")


async def test_sqs_redrive_policy_moves_the_message_when_configured(sqs: Any) -> None:
    queue_url, dlq_url = _queues(sqs, redrive_max=2)
    queue = SqsJobQueue(sqs, queue_url=queue_url)
    assert await queue.has_redrive() is True
    handlers, seen = _recorder(fail_times=100)
    await queue.send(Job(type="demo", idempotency_key="poison"))

    stats = await _worker(queue, handlers, max_receives=2).run_until_empty()

    # The worker leaves dead-lettering to SQS: after 2 receives SQS itself moves the message.
    assert len(seen) == 2 and stats.dead_lettered == 0
    assert _messages(sqs, queue_url) == []
    assert len(_messages(sqs, dlq_url)) == 1


async def test_permanent_error_and_unknown_type_go_straight_to_the_dlq(sqs: Any) -> None:
    queue_url, dlq_url = _queues(sqs)
    queue = SqsJobQueue(sqs, queue_url=queue_url)
    handlers, seen = _recorder(fail_times=1, exc=lambda: PermanentJobError("bad payload"))
    await queue.send(Job(type="demo", idempotency_key="a"))
    await queue.send(Job(type="nobody-handles-this", idempotency_key="b"))
    sqs.send_message(QueueUrl=queue_url, MessageBody="not json")

    stats = await _worker(queue, handlers, max_receives=5).run_until_empty()

    assert len(seen) == 1 and stats.dead_lettered == 3
    reasons = sorted(m["MessageAttributes"]["dead_letter_reason"]["StringValue"].split(":")[0] for m in _messages(sqs, dlq_url))
    assert reasons == ["invalid_body", "no_handler", "permanent"]


async def test_same_idempotency_key_runs_once(sqs: Any) -> None:
    queue_url, _ = _queues(sqs)
    queue = SqsJobQueue(sqs, queue_url=queue_url)
    handlers, seen = _recorder()
    for _ in range(3):
        await queue.send(Job(type="demo", payload={"charge": 10}, idempotency_key="order-42"))
    await queue.send(Job(type="demo", payload={"charge": 5}, idempotency_key="order-43"))

    worker = _worker(queue, handlers)
    stats = await worker.run_until_empty()

    assert sorted(job.payload["charge"] for job in seen) == [5, 10]
    assert (stats.processed, stats.duplicates) == (2, 2)
    assert _messages(sqs, queue_url) == []
    assert worker.metrics.duplicates.labels(type="demo")._value.get() == 2


async def test_fifo_queue_sends_group_and_deduplication_ids(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="skeleton-jobs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    queue = SqsJobQueue(sqs, queue_url=url)
    await queue.send(Job(type="demo", idempotency_key="same"))
    await queue.send(Job(type="demo", idempotency_key="same"))  # deduplicated by SQS itself
    assert len(_messages(sqs, url)) == 1


async def test_api_on_sqs_reports_a_missing_queue_then_enqueues(
    sqs: Any, client_factory: Any, auth_header: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBS_BACKEND", "sqs")
    monkeypatch.setenv("JOBS_REGION", "us-east-1")
    body = {"to": "ada@example.com", "items": ["lamp"]}
    async with client_factory(features=["jobs"]) as client:
        ready = (await client.get("/readyz")).json()
        assert ready["status"] == "degraded" and ready["checks"]["jobs_queue"]["status"] == "degraded"
        refused = await client.post("/jobs/item-digest", json=body, headers=auth_header())
        assert refused.status_code == 503 and refused.headers["retry-after"] == "5"

        queue_url, _ = _queues(sqs)
        accepted = await client.post("/jobs/item-digest", json=body, headers=auth_header())
        assert accepted.status_code == 202, accepted.text
        assert (await client.get("/readyz")).json()["status"] == "ok"
    [message] = _messages(sqs, queue_url)
    assert json.loads(message["Body"])["payload"]["to"] == "ada@example.com"
    assert message["MessageId"] == accepted.json()["message_id"]


def test_worker_process_on_sqs_consumes_and_stops_on_sigterm(
    sqs: Any, aws: str, tmp_path: Path, service_env: Any, python: str
) -> None:
    queue_url, dlq_url = _queues(sqs)
    for name in ("one", "two"):
        sqs.send_message(QueueUrl=queue_url, MessageBody=Job(type="test.record", payload={"name": name}).to_json())
    sqs.send_message(QueueUrl=queue_url, MessageBody=Job(type="test.fail").to_json())
    record = tmp_path / "record.txt"
    env = service_env(
        "jobs",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'app.db'}",
        JOBS_BACKEND="sqs",
        JOBS_REGION="us-east-1",
        JOBS_WAIT_SECONDS="1",
        JOBS_MAX_RECEIVES="2",
        JOBS_BACKOFF_BASE_SECONDS="0",
        JOBS_HANDLER_MODULES="jobs_test_handlers",
        TEST_RECORD_FILE=str(record),
        TEST_MARKS_DIR=str(tmp_path),
        **{k: os.environ[k] for k in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")},
    )
    root = Path(__file__).resolve().parents[3]
    proc = subprocess.Popen([python, "-m", "app.worker"], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not (
            record.exists() and len(record.read_text().splitlines()) == 2 and _messages_count(sqs, dlq_url)
        ):
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0, out.decode()
    assert sorted(line.split()[0] for line in record.read_text().splitlines()) == ["one", "two"]
    assert _messages(sqs, queue_url) == []
    assert len(_messages(sqs, dlq_url)) == 1


def _messages_count(sqs: Any, url: str) -> int:
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"])
