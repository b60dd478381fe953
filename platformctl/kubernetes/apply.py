"""Server-side apply of rendered objects, and `--diff` as a server-side dry run against what is live."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from platformctl.kubernetes.api import ApplyConflict, FieldConflict, KubeApi

# Fields the server owns or fills in: never part of a diff.
_SERVER_FIELDS = {"resourceVersion", "managedFields", "generation", "uid", "creationTimestamp", "selfLink"}


@dataclass(frozen=True)
class ObjectDiff:
    kind: str
    name: str
    action: str  # create, update, unchanged, prune
    fields: tuple[str, ...] = ()  # dotted paths that change


def apply_all(api: KubeApi, bodies: list[dict[str, Any]], *, force: bool) -> list[dict[str, Any]]:
    """Apply each object in order; every field conflict is collected before failing, so one run shows them all.

    Raises:
        ApplyConflict: fields owned by another manager (exit 2), unless force.
    """
    conflicts: list[FieldConflict] = []
    applied = []
    for body in bodies:
        try:
            applied.append(api.apply(body, force=force))
        except ApplyConflict as exc:
            conflicts.extend(exc.conflicts)
    if conflicts:
        raise ApplyConflict(conflicts)
    return applied


def preflight(api: KubeApi, bodies: list[dict[str, Any]], *, force: bool) -> None:
    """Dry-run every object before the first real apply, so a field conflict or an object the server
    refuses stops the deploy with nothing applied.

    Raises:
        ApplyConflict: every conflicting field of every object, at once.
        UsageError: the server refused an object (422).
    """
    conflicts: list[FieldConflict] = []
    for body in bodies:
        try:
            api.apply(body, force=force, dry_run=True)
        except ApplyConflict as exc:
            conflicts.extend(exc.conflicts)
    if conflicts:
        raise ApplyConflict(conflicts)


def _flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(obj, dict) and obj:
        out: dict[str, Any] = {}
        for key, value in obj.items():
            if prefix in {".metadata", ""} and key in _SERVER_FIELDS | {"status"}:
                continue
            out.update(_flatten(value, f"{prefix}.{key}"))
        return out
    return {prefix: obj}


def diff_all(api: KubeApi, bodies: list[dict[str, Any]], *, force: bool) -> list[ObjectDiff]:
    """What applying would change, computed by the server (dryRun=All), object by object."""
    out = []
    for body in bodies:
        meta = body["metadata"]
        live = api.get(body["apiVersion"], body["kind"], meta["name"], meta.get("namespace"))
        preview = api.apply(body, force=force, dry_run=True)
        if live is None:
            out.append(ObjectDiff(body["kind"], meta["name"], "create"))
            continue
        before, after = _flatten(live), _flatten(preview)
        changed = tuple(sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k)))
        out.append(ObjectDiff(body["kind"], meta["name"], "update" if changed else "unchanged", changed))
    return out
