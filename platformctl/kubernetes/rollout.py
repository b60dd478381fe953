"""Wait for Deployments to roll out, kstatus-grade: watch from a resourceVersion, fail fast on pods that cannot start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from platformctl.errors import PlatformctlError
from platformctl.kubernetes.api import KubeApi
from platformctl.kubernetes.status import PodTrouble, Status, deployment_status, pod_trouble
from platformctl.system import Clock

UNSCHEDULABLE_GRACE_SECONDS = 15.0  # the autoscaler needs a moment to add a node; longer means it cannot
WATCH_WINDOW_SECONDS = 2  # how long one watch may stay quiet before pods and the clock are checked again
LOG_LINES = 20


@dataclass(frozen=True)
class Target:
    """One Deployment to wait for, and the labels of its new pods."""

    name: str
    pod_labels: str  # label selector of the new version's pods


@dataclass
class RolloutResult:
    healthy: bool
    reason: str  # "Current", "ProgressDeadlineExceeded", "ImagePullBackOff", "CrashLoopBackOff", "Unschedulable", "Timeout"
    message: str
    evidence: list[str] = field(default_factory=list)  # the pod's events and last log lines


@dataclass
class _Watcher:
    api: KubeApi
    clock: Clock
    namespace: str
    unschedulable_since: dict[str, float] = field(default_factory=dict)

    def evidence(self, trouble: PodTrouble) -> list[str]:
        """The pod's events and last log lines; best effort, since the reason is known without them."""
        lines: list[str] = []
        try:
            events, _ = self.api.list("v1", "Event", self.namespace, fields=f"involvedObject.name={trouble.pod}")
            lines += [f"event {e.get('reason', '')}: {e.get('message', '')}" for e in events]
        except PlatformctlError as exc:
            lines.append(f"(events not readable: {exc.message})")
        try:
            log = self.api.pod_log(self.namespace, trouble.pod, tail_lines=LOG_LINES)
            lines += [f"log | {line}" for line in log.splitlines()[-LOG_LINES:]]
        except PlatformctlError as exc:
            lines.append(f"(log not readable: {exc.message})")
        return lines

    def pods_failing(self, target: Target) -> RolloutResult | None:
        pods, _ = self.api.list("v1", "Pod", self.namespace, labels=target.pod_labels)
        for pod in pods:
            trouble = pod_trouble(pod)
            if trouble is None:
                self.unschedulable_since.pop(pod["metadata"]["name"], None)
                continue
            if not trouble.fatal_now:
                first = self.unschedulable_since.setdefault(trouble.pod, self.clock.now())
                if self.clock.now() - first <= UNSCHEDULABLE_GRACE_SECONDS:
                    continue
            message = f"{target.name}: pod {trouble.pod} is {trouble.reason}: {trouble.message}".rstrip(": ")
            return RolloutResult(False, trouble.reason, message, self.evidence(trouble))
        return None


def wait_for_rollout(
    api: KubeApi,
    clock: Clock,
    *,
    namespace: str,
    targets: list[Target],
    timeout_seconds: float,
    on_progress: Callable[[str], None] = lambda message: None,
    on_tick: Callable[[], None] = lambda: None,
) -> RolloutResult:
    """Block until every target is Current, one fails, or the time budget is spent.

    Deployments are watched from the resourceVersion of the last list, so no change is missed
    between looking and waiting; pods are checked on every change and every quiet window.
    """
    watcher = _Watcher(api, clock, namespace)
    deadline = clock.now() + timeout_seconds
    names = {t.name for t in targets}
    last: dict[str, str] = {}
    while True:
        on_tick()
        items, version = api.list("apps/v1", "Deployment", namespace)
        statuses: dict[str, Status] = {d["metadata"]["name"]: deployment_status(d) for d in items if d["metadata"]["name"] in names}
        missing = names - set(statuses)
        if missing:
            return RolloutResult(False, "Missing", f"Deployment(s) {', '.join(sorted(missing))} disappeared during the rollout.")
        for name, status in sorted(statuses.items()):
            if last.get(name) != status.message:
                on_progress(status.message)
                last[name] = status.message
            if status.state == "Failed":
                target = next(t for t in targets if t.name == name)
                failing = watcher.pods_failing(target)
                evidence = failing.evidence if failing else []
                return RolloutResult(False, "ProgressDeadlineExceeded", status.message, evidence)
        if all(s.state == "Current" for s in statuses.values()):
            return RolloutResult(True, "Current", "; ".join(s.message for s in statuses.values()))
        for target in targets:
            if statuses[target.name].state != "Current" and (failing := watcher.pods_failing(target)) is not None:
                return failing
        remaining = deadline - clock.now()
        if remaining <= 0:
            waiting = "; ".join(s.message for s in statuses.values() if s.state != "Current")
            return RolloutResult(False, "Timeout", f"Not healthy within {timeout_seconds:.0f} s: {waiting}")
        window = max(1, int(min(WATCH_WINDOW_SECONDS, remaining)))
        stream = api.watch("apps/v1", "Deployment", namespace, resource_version=version, timeout=window)
        try:
            changed = next(stream, None)
        finally:
            getattr(stream, "close", lambda: None)()
        if changed is None:
            clock.spent_blocking(window)
