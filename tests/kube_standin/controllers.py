"""Stand-in controllers: what the Deployment, Job and External Secrets controllers would write, replayed as scripts.

A Scenario says how each image behaves and how the migration ends; the controllers answer every
applied Deployment, Job and ExternalSecret with a realistic sequence of status updates (the
fields of the client's V1DeploymentStatus, V1JobStatus and V1PodStatus), a step at a time.
"""

from __future__ import annotations

import base64
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.kube_standin.server import StandIn

HEALTHY, IMAGE_PULL, CRASH_LOOP, DEADLINE, STUCK, UNSCHEDULABLE = "healthy", "image-pull", "crash-loop", "deadline", "stuck", "unschedulable"
CRASH_LOG = (
    "".join(f"starting worker {i}\n" for i in range(30)) + "app.settings.ConfigurationError: refusing to start in ENVIRONMENT=prod: JWKS_URL is not set\n"
)
MIGRATION_LOG = "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.\nINFO  [alembic.runtime.migration] Running upgrade  -> 0001, create items\n"
FAILED_MIGRATION_LOG = MIGRATION_LOG + 'sqlalchemy.exc.ProgrammingError: relation "items" already exists\n'


@dataclass
class Scenario:
    """How the cluster behaves: by image (a substring of the image reference) and for the migration."""

    images: dict[str, str] = field(default_factory=dict)  # image substring -> behaviour; the rest are healthy
    migration: str = "succeed"  # or "fail"
    secret_sync: bool = True
    step_seconds: float = 0.005

    def behaviour(self, image: str) -> str:
        return next((b for fragment, b in self.images.items() if fragment in image), HEALTHY)


def _condition(kind: str, status: str, reason: str, message: str = "") -> dict[str, str]:
    return {
        "type": kind,
        "status": status,
        "reason": reason,
        "message": message,
        "lastUpdateTime": "2026-12-04T12:00:01Z",
        "lastTransitionTime": "2026-12-04T12:00:01Z",
    }


class Controllers:
    """Listens to the store and replays status sequences on one worker thread, in order."""

    def __init__(self, standin: StandIn, scenario: Scenario) -> None:
        self.standin, self.store, self.scenario = standin, standin.store, scenario
        self._steps: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="standin-controllers", daemon=True)
        self.store.listeners.append(self._on_change)
        self._thread.start()

    def stop(self) -> None:
        self._steps.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while (step := self._steps.get()) is not None:
            time.sleep(self.scenario.step_seconds)
            step()

    def _later(self, *steps: Callable[[], None]) -> None:
        for step in steps:
            self._steps.put(step)

    def _on_change(self, change: str, obj: dict[str, Any]) -> None:
        kind, meta = obj.get("kind"), obj["metadata"]
        if change == "delete":
            if kind == "Job":
                self._later(lambda: self._delete_pods(meta["namespace"], f"job-name={meta['name']}"))
            return
        if kind == "Deployment" and meta.get("generation", 1) > obj.get("status", {}).get("observedGeneration", 0):
            self._deployment(obj)
        elif kind == "Job" and change in {"apply", "create"} and not obj.get("status"):
            self._job(obj)
        elif kind == "ExternalSecret" and self.scenario.secret_sync:
            self._secret(obj)

    # -- Deployments ------------------------------------------------------------------------------
    def _deployment(self, obj: dict[str, Any]) -> None:
        meta, spec = obj["metadata"], obj["spec"]
        key = (obj["apiVersion"], "Deployment", meta["namespace"], meta["name"])
        gen, n = meta["generation"], int(spec.get("replicas", 2))
        image = spec["template"]["spec"]["containers"][0]["image"]
        behaviour = self.scenario.behaviour(image)
        first = gen == 1
        old = 0 if first else n
        available = [_condition("Available", "True" if old else "False", "MinimumReplicasAvailable" if old else "MinimumReplicasUnavailable")]

        def status(**values: Any) -> Callable[[], None]:
            return lambda: self.store.update_status(key, {"observedGeneration": gen, **values})

        progressing = status(
            replicas=old + 1,
            updatedReplicas=1,
            readyReplicas=old,
            availableReplicas=old,
            unavailableReplicas=1,
            conditions=[*available, _condition("Progressing", "True", "ReplicaSetUpdated", f'ReplicaSet "{meta["name"]}-{gen}" is progressing.')],
        )
        self._later(lambda: self._delete_pods(meta["namespace"], f"standin/deployment={meta['name']}"), progressing)
        if behaviour == HEALTHY:
            done = [
                _condition("Available", "True", "MinimumReplicasAvailable"),
                _condition("Progressing", "True", "NewReplicaSetAvailable", f'ReplicaSet "{meta["name"]}-{gen}" has successfully progressed.'),
            ]
            self._later(
                status(
                    replicas=old + n,
                    updatedReplicas=n,
                    readyReplicas=old + n - 1,
                    availableReplicas=old + n - 1,
                    conditions=done[:1] + progressing_conditions(meta, gen),
                ),
                status(replicas=n, updatedReplicas=n, readyReplicas=n, availableReplicas=n, conditions=done),
            )
        elif behaviour == DEADLINE:
            self._later(
                status(
                    replicas=old + 1,
                    updatedReplicas=1,
                    readyReplicas=old,
                    availableReplicas=old,
                    unavailableReplicas=1,
                    conditions=[
                        *available,
                        _condition("Progressing", "False", "ProgressDeadlineExceeded", f'ReplicaSet "{meta["name"]}-{gen}" has timed out progressing.'),
                    ],
                )
            )
        elif behaviour in {IMAGE_PULL, CRASH_LOOP, UNSCHEDULABLE}:
            self._later(lambda: self._failing_pod(obj, behaviour, image))

    def _failing_pod(self, deployment: dict[str, Any], behaviour: str, image: str) -> None:
        meta = deployment["metadata"]
        namespace, name = meta["namespace"], f"{meta['name']}-{meta['generation']}-x7k2p"
        labels = {**deployment["spec"]["template"]["metadata"]["labels"], "standin/deployment": meta["name"]}
        container = deployment["spec"]["template"]["spec"]["containers"][0]["name"]
        status: dict[str, Any]
        if behaviour == UNSCHEDULABLE:
            status = {
                "phase": "Pending",
                "conditions": [
                    {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/3 nodes are available: 3 Insufficient cpu."}
                ],
            }
            event = ("FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available.")
        elif behaviour == IMAGE_PULL:
            waiting = {"reason": "ImagePullBackOff", "message": f'Back-off pulling image "{image}"'}
            status = {
                "phase": "Pending",
                "containerStatuses": [{"name": container, "ready": False, "restartCount": 0, "image": image, "imageID": "", "state": {"waiting": waiting}}],
            }
            event = ("Failed", f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull and unpack image')
        else:
            waiting = {"reason": "CrashLoopBackOff", "message": f"back-off 40s restarting failed container={container}"}
            terminated = {"exitCode": 1, "reason": "Error", "startedAt": "2026-12-04T12:00:02Z", "finishedAt": "2026-12-04T12:00:03Z"}
            status = {
                "phase": "Running",
                "containerStatuses": [
                    {
                        "name": container,
                        "ready": False,
                        "restartCount": 3,
                        "image": image,
                        "imageID": "",
                        "state": {"waiting": waiting},
                        "lastState": {"terminated": terminated},
                    }
                ],
            }
            event = ("BackOff", "Back-off restarting failed container")
            self.standin.logs[(namespace, name)] = CRASH_LOG
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": labels},
            "spec": {"containers": [{"name": container, "image": image}]},
            "status": status,
        }
        self.store.create(("v1", "Pod", namespace, name), pod, manager="kube-controller-manager")
        self._event(namespace, "Pod", name, *event)

    def _event(self, namespace: str, kind: str, name: str, reason: str, message: str) -> None:
        event_name = f"{name}.{abs(hash((reason, message))) % 10**8:08d}"
        body = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": event_name, "namespace": namespace},
            "involvedObject": {"kind": kind, "name": name, "namespace": namespace},
            "reason": reason,
            "message": message,
            "type": "Warning",
            "count": 1,
        }
        self.store.create(("v1", "Event", namespace, event_name), body, manager="kubelet")

    def _delete_pods(self, namespace: str, selector: str) -> None:
        label, _, value = selector.partition("=")
        pods, _ = self.store.list("v1", "Pod", namespace, lambda o: (o["metadata"].get("labels") or {}).get(label) == value)
        for pod in pods:
            self.store.delete(("v1", "Pod", namespace, pod["metadata"]["name"]))

    # -- Jobs and secrets -------------------------------------------------------------------------
    def _job(self, job: dict[str, Any]) -> None:
        meta = job["metadata"]
        key = (job["apiVersion"], "Job", meta["namespace"], meta["name"])
        pod_name = f"{meta['name']}-m4q9z"
        failing = self.scenario.migration == "fail"

        def start() -> None:
            self.standin.logs[(meta["namespace"], pod_name)] = FAILED_MIGRATION_LOG if failing else MIGRATION_LOG
            labels = {"job-name": meta["name"], "batch.kubernetes.io/job-name": meta["name"]}
            pod = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": pod_name, "namespace": meta["namespace"], "labels": labels},
                "spec": {},
                "status": {"phase": "Running"},
            }
            self.store.create(("v1", "Pod", meta["namespace"], pod_name), pod, manager="kube-controller-manager")
            self.store.update_status(key, {"active": 1, "startTime": "2026-12-04T12:00:01Z"})

        def finish() -> None:
            if failing:
                conditions = [
                    _condition("FailureTarget", "True", "BackoffLimitExceeded"),
                    _condition("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
                ]
                self.store.update_status(key, {"failed": 1, "startTime": "2026-12-04T12:00:01Z", "conditions": conditions})
            else:
                conditions = [_condition("SuccessCriteriaMet", "True", "CompletionsReached"), _condition("Complete", "True", "CompletionsReached")]
                self.store.update_status(
                    key, {"succeeded": 1, "startTime": "2026-12-04T12:00:01Z", "completionTime": "2026-12-04T12:00:09Z", "conditions": conditions}
                )

        self._later(start, finish)

    def _secret(self, external: dict[str, Any]) -> None:
        meta, spec = external["metadata"], external["spec"]
        name = spec["target"]["name"]
        data = {item["secretKey"]: base64.b64encode(f"value-of-{item['secretKey']}".encode()).decode() for item in spec.get("data", [])}

        def sync() -> None:
            body = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": meta["namespace"]}, "type": "Opaque", "data": data}
            if self.store.find(("v1", "Secret", meta["namespace"], name)) is None:
                self.store.create(("v1", "Secret", meta["namespace"], name), body, manager="external-secrets")

        self._later(sync)


def progressing_conditions(meta: dict[str, Any], gen: int) -> list[dict[str, str]]:
    return [_condition("Progressing", "True", "ReplicaSetUpdated", f'ReplicaSet "{meta["name"]}-{gen}" is progressing.')]
