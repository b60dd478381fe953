"""Pruning by ApplySet inventory (KEP-3659): only objects labelled part of this service's set, never by guessing.

The parent ConfigMap's `applyset.kubernetes.io/contains-group-kinds` names every kind the set has
held; objects of those kinds carrying the set's `part-of` label that the new render lacks are the
ones to prune. kubectl reads the same labels (`kubectl apply --prune --applyset=configmaps/NAME`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from platformctl.kubernetes.api import KubeApi

PART_OF = "applyset.kubernetes.io/part-of"
CONTAINS = "applyset.kubernetes.io/contains-group-kinds"


@dataclass(frozen=True)
class Stale:
    api_version: str
    kind: str
    name: str


def group_kinds(parent: dict[str, Any] | None) -> set[str]:
    annotations = ((parent or {}).get("metadata") or {}).get("annotations") or {}
    return {gk for gk in str(annotations.get(CONTAINS, "")).split(",") if gk}


def with_group_kinds(parent: dict[str, Any], kinds: set[str]) -> dict[str, Any]:
    """The parent body listing `kinds` (the union before applying, the new set after pruning)."""
    body = {**parent, "metadata": {**parent["metadata"], "annotations": {**parent["metadata"].get("annotations", {}), CONTAINS: ",".join(sorted(kinds))}}}
    return body


def find_stale(api: KubeApi, *, namespace: str, applyset_id: str, kinds: set[str], keep: set[tuple[str, str]]) -> list[Stale]:
    """Objects of the set that `keep` ((kind, name) of the new render) no longer has."""
    stale = []
    for group_kind in sorted(kinds):
        kind, _, group = group_kind.partition(".")
        api_version = api.api_version_of(group, kind)
        if api_version is None:  # the kind is gone from the cluster, so are its objects
            continue
        items, _ = api.list(api_version, kind, namespace, labels=f"{PART_OF}={applyset_id}")
        for item in items:
            name = item["metadata"]["name"]
            if (kind, name) not in keep:
                stale.append(Stale(api_version, kind, name))
    return stale
