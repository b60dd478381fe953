"""`platformctl rollback` and `history`: re-apply a recorded revision with its own time budget; read the record.

Rollback re-applies the revision's stored manifests except its migration Job: a schema is never
migrated down (migrations are expand/contract, so the older version runs on the newer schema).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformctl.config import service_names as names
from platformctl.config.loader import load_platform
from platformctl.config.service_file import load_service
from platformctl.core.deploy_report import DeployEvent, DeployReport
from platformctl.errors import UsageError
from platformctl.kubernetes.api import KubeApi
from platformctl.kubernetes.apply import apply_all
from platformctl.kubernetes.connection import ClusterRef
from platformctl.kubernetes.history import History, Revision
from platformctl.kubernetes.lease import DeployLock
from platformctl.kubernetes.rollout import RolloutResult, Target, wait_for_rollout
from platformctl.system import Clock

if TYPE_CHECKING:
    from platformctl.core.deployment import Connector, _Run


@dataclass(frozen=True)
class ServiceTarget:
    """A service in an environment, as rollback and history find it (no image, no outputs needed)."""

    directory: Path
    env: str
    platform_file: Path | None = None


def _locate(target: ServiceTarget) -> tuple[str, str, ClusterRef]:
    """(service name, namespace, cluster). Raises UsageError for an unknown environment or a broken service.yaml."""
    loaded = load_platform(target.platform_file, cwd=target.directory)
    if target.env not in loaded.platform.environments:
        raise UsageError(
            f"There is no environment {target.env!r} in {loaded.source}.", hint=f"Choose one of: {', '.join(sorted(loaded.platform.environments))}."
        )
    manifest = load_service(target.directory)
    platform = loaded.platform
    cluster = ClusterRef(target.env, names.cluster_name(platform.organisation, target.env), platform.regions.primary)
    return manifest.name, manifest.namespace or names.namespace(manifest.name), cluster


def _history(api: KubeApi, service: str, namespace: str) -> History:
    return History(api, namespace, names.history_name(service), {"app.kubernetes.io/name": service, "app.kubernetes.io/managed-by": "platformctl"})


def read_history(target: ServiceTarget, *, connect: Connector) -> list[Revision]:
    """Every recorded revision of the service in the environment, oldest first."""
    service, namespace, cluster = _locate(target)
    return _history(connect(cluster), service, namespace).revisions()


def _bodies(text: str) -> list[dict[str, Any]]:
    import yaml

    return [doc for doc in yaml.safe_load_all(text) if doc]


def reapply(
    history: History, target: Revision, run: _Run, *, api: KubeApi, clock: Clock, timeout_seconds: float, who: str, tick: Callable[[], None], note: str
) -> RolloutResult:
    """Apply `target`'s manifests (no migration Job), wait within `timeout_seconds`, record a new revision."""
    text = history.manifests(target.revision)
    if text is None:
        return RolloutResult(False, "NoManifests", f"revision {target.revision} is too old: its manifests are no longer kept")
    bodies = [b for b in _bodies(text) if b["kind"] != "Job"]
    with run.step(f"roll back to revision {target.revision}") as step:
        apply_all(api, bodies, force=True)  # our own objects: take every field back
        targets = []
        for body in bodies:
            if body["kind"] == "Deployment":
                labels = body["spec"]["template"]["metadata"]["labels"]
                targets.append(Target(body["metadata"]["name"], ",".join(f"{k}={v}" for k, v in sorted(labels.items()) if k.startswith("app.kubernetes.io/"))))
        namespace = bodies[0]["metadata"]["namespace"]
        result = wait_for_rollout(
            api,
            clock,
            namespace=namespace,
            targets=targets,
            timeout_seconds=timeout_seconds,
            on_progress=lambda m: run.emit(DeployEvent("progress", f"rollback: {m}")),
            on_tick=tick,
        )
        step.ok, step.detail = result.healthy, result.message
    latest = history.revisions()
    revision = (latest[-1].revision if latest else 0) + 1
    when = datetime.fromtimestamp(clock.now(), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    history.record(
        Revision(
            revision,
            target.image,
            target.digest,
            target.git_sha,
            who,
            when,
            "rollback" if result.healthy else "rollback-failed",
            digest,
            f"to revision {target.revision}; {note}",
        ),
        text,
    )
    if not result.healthy:
        run.report.evidence = result.evidence
    return result


def rollback(
    target: ServiceTarget,
    *,
    to_revision: int | None,
    timeout_seconds: float,
    who: str,
    connect: Connector,
    clock: Clock,
    on_event: Callable[[DeployEvent], None] = lambda event: None,
) -> DeployReport:
    """Put a recorded revision back (default: the last healthy one before the current).

    Raises:
        UsageError: no such revision, nothing to roll back to, or a deploy in progress.
    """
    from platformctl.core.deployment import LOCK_TTL_SECONDS, _Run

    service, namespace, cluster = _locate(target)
    api = connect(cluster)
    history = _history(api, service, namespace)
    revisions = history.revisions()
    if to_revision is not None:
        chosen = next((r for r in revisions if r.revision == to_revision), None)
        if chosen is None:
            raise UsageError(f"{service} has no revision {to_revision} in {target.env}.", hint="`platformctl history --env " + target.env + "` lists them.")
    else:
        healthy = [r for r in revisions if r.healthy]
        chosen = healthy[-2] if len(healthy) >= 2 else None
        if chosen is None:
            raise UsageError(f"{service} has no earlier healthy revision in {target.env} to roll back to.", hint="`platformctl history` lists what ran.")
    report = DeployReport(service=service, env=target.env, namespace=namespace, image=chosen.image, digest=chosen.digest)
    run = _Run(report, clock, on_event)
    lock = DeployLock(api, clock, namespace, names.lease_name(service), f"{who} #{secrets.token_hex(3)}", LOCK_TTL_SECONDS)
    lock.acquire()
    try:
        result = reapply(history, chosen, run, api=api, clock=clock, timeout_seconds=timeout_seconds, who=who, tick=lock.renew_if_due, note="by request")
    finally:
        lock.release()
    report.revision = history.revisions()[-1].revision
    report.rolled_back_to = chosen.revision
    report.outcome = "deployed" if result.healthy else "rollback-failed"
    report.message = (
        f"Revision {chosen.revision} is back and healthy." if result.healthy else f"The rollback to revision {chosen.revision} failed: {result.message}"
    )
    return report
