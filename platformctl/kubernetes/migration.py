"""The migration Job: the previous one deleted first, the new one applied, its log streamed, its end awaited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from platformctl.kubernetes.api import KubeApi
from platformctl.kubernetes.status import job_status, pod_trouble
from platformctl.system import Clock

POLL_SECONDS = 2.0
GRACE_SECONDS = 60.0  # beyond the Job's own activeDeadlineSeconds, for the controller to mark it failed


@dataclass
class MigrationResult:
    succeeded: bool
    message: str
    log: list[str] = field(default_factory=list)


def delete_previous_jobs(api: KubeApi, namespace: str, selector: str, keep: str) -> list[str]:
    """Delete earlier migration Jobs (a failed one was kept for inspection until now) so a rerun never meets "already exists"."""
    jobs, _ = api.list("batch/v1", "Job", namespace, labels=selector)
    deleted = []
    for job in jobs:
        name = job["metadata"]["name"]
        if name != keep and api.delete("batch/v1", "Job", name, namespace):
            deleted.append(name)
    return deleted


def run_migration(
    api: KubeApi,
    clock: Clock,
    *,
    job: dict[str, Any],
    on_log: Callable[[str], None],
    on_tick: Callable[[], None] = lambda: None,
) -> MigrationResult:
    """Apply the Job and follow it to its end; its log lines go to `on_log` as they appear."""
    namespace, name = job["metadata"]["namespace"], job["metadata"]["name"]
    api.apply(job, force=True)  # the Job's spec is immutable: it is new (the old one was deleted) or identical
    deadline = clock.now() + float(job["spec"].get("activeDeadlineSeconds", 600)) + GRACE_SECONDS
    seen: dict[str, int] = {}
    log: list[str] = []

    def follow_logs() -> None:
        pods, _ = api.list("v1", "Pod", namespace, labels=f"job-name={name}")
        for pod in pods:
            pod_name = pod["metadata"]["name"]
            lines = api.pod_log(namespace, pod_name).splitlines()
            for line in lines[seen.get(pod_name, 0) :]:
                log.append(line)
                on_log(line)
            seen[pod_name] = len(lines)

    while True:
        on_tick()
        current = api.get("batch/v1", "Job", name, namespace)
        if current is None:
            return MigrationResult(False, f"Job {name} disappeared while it ran.", log)
        follow_logs()
        status = job_status(current)
        if status.state == "Current":
            return MigrationResult(True, status.message, log)
        if status.state == "Failed":
            return MigrationResult(False, status.message, log)
        pods, _ = api.list("v1", "Pod", namespace, labels=f"job-name={name}")
        for pod in pods:
            trouble = pod_trouble(pod)
            if trouble and trouble.fatal_now:
                return MigrationResult(False, f"{name}: pod {trouble.pod} is {trouble.reason}: {trouble.message}", log)
        if clock.now() >= deadline:
            return MigrationResult(False, f"{name}: not finished within its deadline.", log)
        clock.sleep(POLL_SECONDS)
