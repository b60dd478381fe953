"""The whole local flow across processes: the API enqueues, `python -m app.worker` sends the digest
through the notifications outbox (or logs it, in a service generated without notifications).
Plus Redis idempotency."""

from __future__ import annotations

import asyncio
import importlib.util
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.features.jobs.idempotency import Claim, RedisIdempotencyStore
from app.features.jobs.local_queue import SqliteJobQueue

SERVICE_ROOT = Path(__file__).resolve().parents[3]


async def test_api_enqueues_and_worker_process_delivers_the_digest(
    client_factory: Callable[..., Any],
    auth_header: Callable[..., dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    service_env: Callable[..., dict[str, str]],
    python: str,
) -> None:
    monkeypatch.setenv("JOBS_LOCAL_DIR", str(tmp_path / "jobs"))
    monkeypatch.setenv("NOTIFY_OUTBOX_PATH", str(tmp_path / "outbox.jsonl"))
    headers = auth_header()
    # Jobs must work in a service generated without notifications: then the digest is only logged.
    with_notifications = importlib.util.find_spec("app.features.notifications") is not None
    features = ["jobs", "notifications"] if with_notifications else ["jobs"]
    queue = SqliteJobQueue(tmp_path / "jobs" / "queue.sqlite3", name="skeleton-jobs")
    async with client_factory(features=features) as client:
        response = await client.post(
            "/jobs/item-digest",
            json={"to": "ada@example.com", "items": ["lamp", "desk"]},
            headers={**headers, "Idempotency-Key": "digest-2026-11-24"},
        )
        assert response.status_code == 202, response.text
        again = await client.post(
            "/jobs/item-digest",
            json={"to": "ada@example.com", "items": ["lamp", "desk"]},
            headers={**headers, "Idempotency-Key": "digest-2026-11-24"},
        )
        assert again.json()["idempotency_key"] == response.json()["idempotency_key"]
        assert (await client.get("/readyz")).json()["checks"]["jobs_queue"]["status"] == "ok"

        worker = await asyncio.create_subprocess_exec(
            python,
            "-m",
            "app.worker",
            cwd=SERVICE_ROOT,
            env=service_env(
                ENVIRONMENT="test",
                DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'w.db'}",
                JOBS_LOCAL_DIR=str(tmp_path / "jobs"),
                JOBS_LOCAL_POLL_SECONDS="0.05",
                NOTIFY_OUTBOX_PATH=str(tmp_path / "outbox.jsonl"),
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(100):  # up to 10 s for both messages to be acknowledged
                if not await queue.counts():
                    break
                await asyncio.sleep(0.1)
            assert await queue.counts() == {}
        finally:
            worker.send_signal(signal.SIGTERM)
            out, _ = await asyncio.wait_for(worker.communicate(), timeout=15)
        assert worker.returncode == 0, out.decode()
        metrics = (await client.get("/metrics")).text
        assert 'jobs_enqueued_total{type="items.digest"} 2.0' in metrics
        if with_notifications:
            items = (await client.get("/notifications/outbox", headers=headers)).json()["items"]
    log = out.decode()
    assert log.count('"job_processed"') == 1 and log.count('"job_duplicate_skipped"') == 1
    if with_notifications:
        [mail] = items  # the same Idempotency-Key twice: one e-mail
        assert mail["channel"] == "email" and mail["to"] == "ada@example.com"
        assert mail["subject"] == "Your item digest: 2 items"
        assert "- lamp\n- desk" == mail["text"]
    else:
        assert '"item_digest_rendered"' in log


async def test_enqueue_requires_a_user(
    client_factory: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBS_LOCAL_DIR", str(tmp_path / "jobs"))
    async with client_factory(features=["jobs"]) as client:
        response = await client.post("/jobs/item-digest", json={"to": "a@b.co", "items": []})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_redis_idempotency_store(redis_clean: str) -> None:
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(redis_clean)
    try:
        store = RedisIdempotencyStore(client, prefix="skeleton:jobs:idem")
        assert await store.claim("k", lease_seconds=30) is Claim.ACQUIRED
        assert await store.claim("k", lease_seconds=30) is Claim.BUSY
        assert 0 < await client.ttl("skeleton:jobs:idem:k") <= 30
        await store.extend("k", lease_seconds=120)  # the heartbeat of a long job
        assert 30 < await client.ttl("skeleton:jobs:idem:k") <= 120
        await store.release("k")
        assert await store.claim("k", lease_seconds=30) is Claim.ACQUIRED
        await store.complete("k", ttl_seconds=600)
        await store.release("k")  # must not forget a completed key
        assert await store.claim("k", lease_seconds=30) is Claim.DONE
        assert 590 < await client.ttl("skeleton:jobs:idem:k") <= 600
    finally:
        await client.aclose()


async def test_enqueue_is_rate_limited_per_user(
    client_factory: Callable[..., Any],
    auth_header: Callable[..., dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JOBS_LOCAL_DIR", str(tmp_path / "jobs"))
    body = {"to": "a@b.co", "items": []}
    async with client_factory(features=["jobs"], rate_limits={"default": "100/minute", "jobs.item_digest": "1/minute"}) as c:
        assert (await c.post("/jobs/item-digest", json=body, headers=auth_header(sub="ann"))).status_code == 202
        limited = await c.post("/jobs/item-digest", json=body, headers=auth_header(sub="ann"))
        assert limited.status_code == 429 and "retry-after" in limited.headers
        assert (await c.post("/jobs/item-digest", json=body, headers=auth_header(sub="ben"))).status_code == 202
