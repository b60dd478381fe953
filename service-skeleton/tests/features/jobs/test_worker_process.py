"""`python -m app.worker` as a real process: the local queue across processes, and SIGTERM handling."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.about import SERVICE_NAME  # queue and key names follow the service's name
from app.features.jobs.local_queue import SqliteJobQueue
from app.features.jobs.queue import Job

SERVICE_ROOT = Path(__file__).resolve().parents[3]


def _wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met within the timeout")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "marks").mkdir()
    return tmp_path


@pytest.fixture
def start_worker(
    workdir: Path, service_env: Callable[..., dict[str, str]], python: str
) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(**extra: str) -> subprocess.Popen[bytes]:
        env = service_env(
            "jobs",
            ENVIRONMENT="test",
            DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'app.db'}",
            JOBS_LOCAL_DIR=str(workdir / "jobs"),
            JOBS_HANDLER_MODULES="app.features.jobs.examples,jobs_test_handlers",
            JOBS_LOCAL_POLL_SECONDS="0.05",
            NOTIFY_OUTBOX_PATH=str(workdir / "outbox.jsonl"),
            TEST_MARKS_DIR=str(workdir / "marks"),
            TEST_RECORD_FILE=str(workdir / "record.txt"),
            **extra,
        )
        proc = subprocess.Popen(
            [python, "-m", "app.worker"], cwd=SERVICE_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _queue(workdir: Path) -> SqliteJobQueue:
    return SqliteJobQueue(workdir / "jobs" / "queue.sqlite3", name=f"{SERVICE_NAME}-jobs", dlq_name=f"{SERVICE_NAME}-jobs-dlq")


def _stop(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=15)
    return proc.returncode, out.decode()


def test_two_workers_share_the_local_queue_and_run_each_job_once(
    workdir: Path, start_worker: Callable[..., subprocess.Popen[bytes]]
) -> None:
    workers = [start_worker(), start_worker()]
    queue = _queue(workdir)
    names = [f"job{i}" for i in range(12)]

    async def produce() -> None:
        for name in names:
            await queue.send(Job(type="test.record", payload={"name": name, "seconds": 0.05}))

    asyncio.run(produce())
    record = workdir / "record.txt"
    _wait_for(lambda: record.exists() and len(record.read_text().splitlines()) >= len(names))
    time.sleep(0.3)  # a double delivery would show up here
    lines = [line.split() for line in record.read_text().splitlines()]
    assert sorted(name for name, _ in lines) == sorted(names)  # each exactly once
    assert asyncio.run(queue.counts()) == {}
    for proc in workers:
        code, out = _stop(proc)
        assert code == 0, out


def test_sigterm_finishes_the_job_in_hand_then_exits_zero(
    workdir: Path, start_worker: Callable[..., subprocess.Popen[bytes]]
) -> None:
    queue = _queue(workdir)

    async def produce() -> None:
        await queue.send(Job(type="test.slow", payload={"name": "first", "seconds": 1.0}))
        await queue.send(Job(type="test.slow", payload={"name": "second", "seconds": 0}))

    asyncio.run(produce())
    proc = start_worker()
    marks = workdir / "marks"
    _wait_for(lambda: (marks / "first.started").exists())

    code, out = _stop(proc)

    assert code == 0, out
    assert (marks / "first.finished").exists(), "the job in hand must finish before exit"
    assert not (marks / "second.started").exists(), "no new job may start after SIGTERM"
    assert "worker_stopped" in out
    # The finished job is acknowledged; the other is still queued and immediately visible.
    [left] = asyncio.run(queue.receive(max_messages=10, wait_seconds=0))
    assert Job.from_json(left.body).payload["name"] == "second"


def test_failing_job_lands_in_the_local_dead_letter_queue(
    workdir: Path, start_worker: Callable[..., subprocess.Popen[bytes]]
) -> None:
    queue = _queue(workdir)
    asyncio.run(queue.send(Job(type="test.fail", payload={"name": "x"})))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = start_worker(JOBS_MAX_RECEIVES="3", JOBS_BACKOFF_BASE_SECONDS="0", JOBS_METRICS_PORT=str(port))
    _wait_for(lambda: asyncio.run(queue.counts()) == {f"{SERVICE_NAME}-jobs-dlq": 1})
    metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    assert 'jobs_failed_total{type="test.fail"} 3.0' in metrics
    assert 'jobs_dead_lettered_total{reason="max_receives",type="test.fail"} 1.0' in metrics
    code, out = _stop(proc)
    assert code == 0, out
    [dead] = asyncio.run(queue.dead_letters())
    assert dead["reason"].startswith("max_receives: failed 3 times")
    assert out.count('"job_failed"') == 3


def test_once_drains_the_queue_and_exits(workdir: Path, service_env: Callable[..., dict[str, str]], python: str) -> None:
    queue = _queue(workdir)

    async def produce() -> None:
        for name in ("a", "b"):
            await queue.send(Job(type="test.record", payload={"name": name}))

    asyncio.run(produce())
    env = service_env(
        "jobs",
        JOBS_LOCAL_DIR=str(workdir / "jobs"),
        JOBS_HANDLER_MODULES="jobs_test_handlers",
        TEST_MARKS_DIR=str(workdir / "marks"),
        TEST_RECORD_FILE=str(workdir / "record.txt"),
        DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'app.db'}",
    )
    result = subprocess.run([python, "-m", "app.worker", "--once"], cwd=SERVICE_ROOT, env=env, capture_output=True, timeout=30)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert sorted(line.split()[0] for line in (workdir / "record.txt").read_text().splitlines()) == ["a", "b"]
    assert asyncio.run(queue.counts()) == {}


def test_worker_refuses_to_start_when_jobs_is_not_enabled(
    workdir: Path, service_env: Callable[..., dict[str, str]], python: str
) -> None:
    env = service_env("jobs", FEATURES="integrations", JOBS_LOCAL_DIR=str(workdir / "jobs"))
    result = subprocess.run([python, "-m", "app.worker", "--once"], cwd=SERVICE_ROOT, env=env, capture_output=True, timeout=30)
    assert result.returncode == 2
    assert b"worker_disabled" in result.stdout
