"""Deploy history kept in the cluster: one ConfigMap per service, a record per revision.

Each record says what ran (image, digest, git sha), who deployed it, when, how it ended and the
hash of its manifests; the newest revisions also keep their manifests (gzip), which is what
rollback re-applies. Nothing lives on the CI runner.
"""

from __future__ import annotations

import base64
import gzip
import json
from dataclasses import asdict, dataclass
from typing import Any

from platformctl.kubernetes.api import KubeApi

KEEP_MANIFESTS = 10  # revisions whose manifests are kept for rollback; a ConfigMap holds at most 1 MiB
_RECORD = "r{:05d}"
_MANIFESTS = "r{:05d}.manifests"


@dataclass(frozen=True)
class Revision:
    revision: int
    image: str
    digest: str
    git_sha: str
    who: str
    when: str  # ISO 8601, UTC
    result: str  # deployed, failed, rolled-back, rollback-failed, migration-failed, applied
    manifest_hash: str
    note: str = ""

    @property
    def healthy(self) -> bool:
        """Whether the cluster ran this revision successfully (a rollback target)."""
        return self.result in {"deployed", "rollback"}


@dataclass
class History:
    api: KubeApi
    namespace: str
    name: str
    labels: dict[str, str]

    def _read(self) -> dict[str, str]:
        found = self.api.get("v1", "ConfigMap", self.name, self.namespace)
        return dict((found or {}).get("data") or {})

    def revisions(self) -> list[Revision]:
        data = self._read()
        out = [Revision(**json.loads(v)) for k, v in data.items() if k.startswith("r") and not k.endswith(".manifests")]
        return sorted(out, key=lambda r: r.revision)

    def manifests(self, revision: int) -> str | None:
        packed = self._read().get(_MANIFESTS.format(revision))
        return gzip.decompress(base64.b64decode(packed)).decode() if packed else None

    def record(self, revision: Revision, manifests: str | None) -> None:
        """Add or replace a revision's record; older revisions drop their manifests."""
        data = self._read()
        data[_RECORD.format(revision.revision)] = json.dumps(asdict(revision), sort_keys=True)
        if manifests is not None:
            data[_MANIFESTS.format(revision.revision)] = base64.b64encode(gzip.compress(manifests.encode(), mtime=0)).decode()
        kept = sorted((k for k in data if k.endswith(".manifests")), reverse=True)[:KEEP_MANIFESTS]
        data = {k: v for k, v in data.items() if not k.endswith(".manifests") or k in kept}
        body: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": self.name, "namespace": self.namespace, "labels": self.labels},
            "data": dict(sorted(data.items())),
        }
        self.api.apply(body, force=True)
