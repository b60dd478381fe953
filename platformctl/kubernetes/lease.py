"""The deploy lock: a coordination.k8s.io Lease per service and environment, with a TTL.

A killed CI job leaves a Lease that expires, not a wedged release; a live one is reported with
its holder. Takeover and renewal go through optimistic concurrency (resourceVersion), so two
deploys that race for an expired lock cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from platformctl.errors import UsageError
from platformctl.kubernetes.api import Conflict, KubeApi
from platformctl.system import Clock

LEASE_API = "coordination.k8s.io/v1"


def _micro_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _epoch(text: str | None) -> float:
    if not text:
        return 0.0
    return datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z" if "." in text else "%Y-%m-%dT%H:%M:%S%z").timestamp()


class LockHeld(UsageError):
    """Another deploy of the same service and environment is running (exit 2: try again later)."""


@dataclass
class DeployLock:
    api: KubeApi
    clock: Clock
    namespace: str
    name: str
    holder: str
    ttl_seconds: int
    lease: dict[str, Any] | None = None
    took_over_from: str | None = None  # the holder of an expired lease this deploy replaced

    def _spec(self, acquired: float, transitions: int) -> dict[str, Any]:
        return {
            "holderIdentity": self.holder,
            "leaseDurationSeconds": self.ttl_seconds,
            "acquireTime": _micro_time(acquired),
            "renewTime": _micro_time(self.clock.now()),
            "leaseTransitions": transitions,
        }

    def acquire(self) -> None:
        """Take the lock, or take over an expired one.

        Raises:
            LockHeld: a live lease has another holder.
        """
        now = self.clock.now()
        body = {"apiVersion": LEASE_API, "kind": "Lease", "metadata": {"name": self.name, "namespace": self.namespace}, "spec": self._spec(now, 0)}
        try:
            self.lease = self.api.create(body)
            return
        except Conflict:
            pass
        current = self.api.get(LEASE_API, "Lease", self.name, self.namespace)
        if current is None:  # released between our create and get: try once more
            self.lease = self.api.create(body)
            return
        spec = current.get("spec") or {}
        expires = _epoch(spec.get("renewTime")) + int(spec.get("leaseDurationSeconds") or 0)
        holder = spec.get("holderIdentity") or "(nobody)"
        if holder != self.holder and expires > now:
            raise LockHeld(
                f"A deploy is already in progress: {holder} holds Lease {self.namespace}/{self.name} "
                f"(since {spec.get('acquireTime', '?')}, expires in {int(expires - now)} s unless renewed).",
                hint="Wait for it to finish; a killed deploy's lock expires by itself after its TTL.",
            )
        current["spec"] = self._spec(now, int(spec.get("leaseTransitions") or 0) + 1)
        try:
            self.lease = self.api.replace(current)
        except Conflict:
            raise LockHeld(f"Another deploy took Lease {self.namespace}/{self.name} at the same moment.", hint="Wait for it to finish.") from None
        self.took_over_from = holder if holder != self.holder else None

    def renew_if_due(self) -> None:
        """Renew when a third of the TTL has passed, so a long rollout keeps its lock."""
        if self.lease is None:
            return
        renewed = _epoch((self.lease.get("spec") or {}).get("renewTime"))
        if self.clock.now() - renewed < self.ttl_seconds / 3:
            return
        self.lease["spec"]["renewTime"] = _micro_time(self.clock.now())
        try:
            self.lease = self.api.replace(self.lease)
        except Conflict:
            raise LockHeld(
                f"Lost Lease {self.namespace}/{self.name}: another deploy took it over (this one was too slow to renew).",
                hint="Check what the other deploy did before deploying again.",
            ) from None

    def release(self) -> None:
        """Delete the lease if it is still ours (never another deploy's that took over)."""
        if self.lease is None:
            return
        current = self.api.get(LEASE_API, "Lease", self.name, self.namespace)
        if current is not None and (current.get("spec") or {}).get("holderIdentity") == self.holder:
            self.api.delete(LEASE_API, "Lease", self.name, self.namespace)
        self.lease = None
