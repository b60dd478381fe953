"""What "healthy" means, as kstatus and `kubectl rollout status` define it: pure functions over objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

State = Literal["InProgress", "Current", "Failed"]
# Container waiting reasons that no amount of waiting fixes: fail fast on them.
FATAL_WAITING = {"ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CrashLoopBackOff", "CreateContainerConfigError", "CreateContainerError"}


@dataclass(frozen=True)
class Status:
    state: State
    message: str


def _condition(obj: dict[str, Any], kind: str) -> dict[str, Any] | None:
    return next((c for c in obj.get("status", {}).get("conditions") or [] if c.get("type") == kind), None)


def deployment_status(obj: dict[str, Any]) -> Status:
    """kstatus for a Deployment: observed, updated, ready and available, old replicas gone, or past its deadline."""
    meta, spec, status = obj["metadata"], obj.get("spec", {}), obj.get("status") or {}
    name = meta["name"]
    if int(status.get("observedGeneration", 0)) < int(meta.get("generation", 1)):
        return Status("InProgress", f"{name}: waiting for the controller to see generation {meta.get('generation')}")
    progressing = _condition(obj, "Progressing")
    if progressing and progressing.get("reason") == "ProgressDeadlineExceeded":
        return Status("Failed", f"{name}: ProgressDeadlineExceeded: {progressing.get('message', '')}".rstrip(": "))
    desired = int(spec.get("replicas", 1))
    updated, ready = int(status.get("updatedReplicas", 0)), int(status.get("readyReplicas", 0))
    available, total = int(status.get("availableReplicas", 0)), int(status.get("replicas", 0))
    if updated < desired:
        return Status("InProgress", f"{name}: {updated} of {desired} replicas updated")
    if total > updated:
        return Status("InProgress", f"{name}: {total - updated} old replica(s) pending termination")
    if available < updated or ready < desired:
        return Status("InProgress", f"{name}: {available} of {updated} updated replicas available")
    if progressing and progressing.get("reason") not in {None, "NewReplicaSetAvailable"}:
        return Status("InProgress", f"{name}: {progressing.get('reason')}")
    return Status("Current", f"{name}: {desired} of {desired} replicas updated and available")


def job_status(obj: dict[str, Any]) -> Status:
    """A Job is Current once Complete, Failed once its Failed condition is true."""
    name = obj["metadata"]["name"]
    failed = _condition(obj, "Failed")
    if failed and failed.get("status") == "True":
        return Status("Failed", f"{name}: {failed.get('reason', 'Failed')}: {failed.get('message', '')}".rstrip(": "))
    complete = _condition(obj, "Complete")
    if complete and complete.get("status") == "True":
        return Status("Current", f"{name}: complete")
    return Status("InProgress", f"{name}: running ({int((obj.get('status') or {}).get('active', 0))} active)")


@dataclass(frozen=True)
class PodTrouble:
    pod: str
    reason: str  # ImagePullBackOff, CrashLoopBackOff, Unschedulable, …
    message: str
    fatal_now: bool  # False: Unschedulable, fatal only after it lasts


def pod_trouble(pod: dict[str, Any]) -> PodTrouble | None:
    """Why a pod of the new version cannot become ready, if the reason is one waiting does not fix."""
    name, status = pod["metadata"]["name"], pod.get("status") or {}
    for container in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]:
        waiting = (container.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") in FATAL_WAITING:
            return PodTrouble(name, str(waiting["reason"]), str(waiting.get("message", "")), True)
    scheduled = next((c for c in status.get("conditions") or [] if c.get("type") == "PodScheduled"), None)
    if scheduled and scheduled.get("status") == "False" and scheduled.get("reason") == "Unschedulable":
        return PodTrouble(name, "Unschedulable", str(scheduled.get("message", "")), False)
    return None
