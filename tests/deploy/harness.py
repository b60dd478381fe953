"""A deploy against the stand-in: the request, a test clock, the real client, and what happened."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from platformctl.core.deploy_report import DeployEvent, DeployReport
from platformctl.core.deployment import DeployRequest, Verifier, deploy
from platformctl.kubernetes.api import DynamicKubeApi
from platformctl.kubernetes.connection import ClusterRef
from platformctl.paths import skeleton_dir
from tests.kube_standin.fixtures import Cluster
from tests.rendering.deploy_fixtures import OUTPUTS, REPOSITORY, no_registry

NAMESPACE = "skeleton"


def image(label: str) -> str:
    """An image whose digest carries `label`, so a Scenario can give it a behaviour."""
    return f"{REPOSITORY}:{label}@sha256:{label.encode().hex().ljust(64, '0')[:64]}"


def digest_fragment(label: str) -> str:
    return label.encode().hex()


class FakeClock:
    """Wall time that moves only when deploy sleeps or a quiet watch ends: waits are tested without waiting."""

    def __init__(self, start: float = 1_796_385_600.0) -> None:  # 2026-12-04T12:00:00Z
        self.t = start
        self.slept = 0.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds
        self.slept += seconds

    def spent_blocking(self, seconds: float) -> None:
        self.sleep(seconds)


@dataclass
class Deployer:
    cluster: Cluster
    tmp: Path
    clock: FakeClock = field(default_factory=FakeClock)
    events: list[DeployEvent] = field(default_factory=list)
    connected: list[ClusterRef] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.cluster.standin.watch_cap_seconds = 0.05  # a quiet watch ends quickly; the fake clock counts its full window
        self.cluster.store.create(("v1", "Namespace", "", NAMESPACE), {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}})
        self.api = DynamicKubeApi(self.cluster.api_client(), discovery_cache=str(self.tmp / "discovery.json"))

    def request(self, label: str, env: str = "staging", **changes: Any) -> DeployRequest:
        base = DeployRequest(directory=skeleton_dir(), env=env, image=image(label), outputs_file=OUTPUTS, who="ci@test", git_sha="abc123", timeout_seconds=120)
        return replace(base, **changes)

    def deploy(self, label: str, env: str = "staging", *, verifier: Verifier | None = None, **changes: Any) -> DeployReport:
        return deploy(
            self.request(label, env, **changes),
            connect=self.connect,
            clock=self.clock,
            resolve_digest=no_registry,
            on_event=self.events.append,
            verifier=verifier,
        )

    def connect(self, ref: ClusterRef) -> DynamicKubeApi:
        self.connected.append(ref)
        return self.api

    def live(self, kind: str, name: str, api_version: str = "apps/v1") -> dict[str, Any] | None:
        return self.cluster.store.find((api_version, kind, NAMESPACE, name))

    def live_image(self) -> str:
        deployment = self.live("Deployment", "skeleton")
        assert deployment is not None
        return str(deployment["spec"]["template"]["spec"]["containers"][0]["image"])
