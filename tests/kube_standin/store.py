"""The stand-in's object store: resource versions, an event log for watches, and server-side apply."""

from __future__ import annotations

import copy
import itertools
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Key = tuple[str, str, str, str]  # (api_version, kind, namespace, name)
Path = tuple[str, ...]
_IDENTITY: set[Path] = {("apiVersion",), ("kind",), ("metadata", "name"), ("metadata", "namespace")}


class ApiError(Exception):
    """An answer that is a `Status` failure."""

    def __init__(self, code: int, reason: str, message: str, causes: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.code, self.reason, self.message, self.causes = code, reason, message, causes or []

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.causes:
            body["details"] = {"causes": self.causes}
        return body


def leaves(obj: Any, prefix: Path = ()) -> dict[Path, Any]:
    """Leaf fields of an object; lists are atomic, as for most fields of the built-in types."""
    if isinstance(obj, dict) and obj:
        out: dict[Path, Any] = {}
        for key, value in obj.items():
            out.update(leaves(value, (*prefix, key)))
        return out
    return {prefix: obj}


def _get(obj: dict[str, Any], path: Path) -> Any:
    for part in path:
        if not isinstance(obj, dict) or part not in obj:
            return _MISSING
        obj = obj[part]
    return obj


def _set(obj: dict[str, Any], path: Path, value: Any) -> None:
    for part in path[:-1]:
        obj = obj.setdefault(part, {})
    obj[path[-1]] = copy.deepcopy(value)


def _delete(obj: dict[str, Any], path: Path) -> None:
    parents = [obj]
    for part in path[:-1]:
        obj = obj.get(part, {})
        parents.append(obj)
    obj.pop(path[-1], None)
    for depth in range(len(path) - 1, 0, -1):  # drop maps the removal emptied
        if parents[depth] == {}:
            parents[depth - 1].pop(path[depth - 1], None)


_MISSING = object()


@dataclass
class Stored:
    obj: dict[str, Any]
    owners: dict[str, set[Path]] = field(default_factory=dict)  # field manager -> leaf paths it applied


class Store:
    """Objects by key, a global resourceVersion, and every change as a watch event."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.objects: dict[Key, Stored] = {}
        self.events: list[tuple[int, str, dict[str, Any]]] = []
        self._rv = itertools.count(100)
        self.rv = next(self._rv)
        self.listeners: list[Callable[[str, dict[str, Any]], None]] = []
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request, for assertions

    # -- writes (caller holds no lock) --------------------------------------------------------
    def _commit(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        self.rv = next(self._rv)
        obj["metadata"]["resourceVersion"] = str(self.rv)
        self.events.append((self.rv, kind, copy.deepcopy(obj)))
        self.lock.notify_all()
        return copy.deepcopy(obj)

    def _notify(self, kind: str, obj: dict[str, Any]) -> None:
        for listener in list(self.listeners):
            listener(kind, obj)

    def apply(self, key: Key, config: dict[str, Any], *, manager: str, force: bool, dry_run: bool) -> dict[str, Any]:
        with self.lock:
            stored = self.objects.get(key)
            current = copy.deepcopy(stored.obj) if stored else {"apiVersion": key[0], "kind": key[1], "metadata": {"name": key[3]}}
            owners = {m: set(p) for m, p in (stored.owners if stored else {}).items()}
            wanted = {p: v for p, v in leaves(config).items() if p not in _IDENTITY and p[:2] != ("metadata", "resourceVersion")}
            conflicts = [
                (other, path)
                for path, value in wanted.items()
                for other, paths in owners.items()
                if other != manager and path in paths and _get(current, path) != value
            ]
            if conflicts and not force:
                causes = [{"type": "FieldManagerConflict", "message": f'conflict with "{m}" using {key[0]}', "field": "." + ".".join(p)} for m, p in conflicts]
                raise ApiError(
                    409, "Conflict", f"Apply failed with {len(causes)} conflict(s): " + "; ".join(f"{c['message']}: {c['field']}" for c in causes), causes
                )
            for other, path in conflicts:
                owners[other].discard(path)
            for path in owners.get(manager, set()) - set(wanted):
                if not any(path in paths for m, paths in owners.items() if m != manager):
                    _delete(current, path)
            before_spec = copy.deepcopy({k: v for k, v in current.items() if k not in {"metadata", "status"}})
            for path, value in wanted.items():
                _set(current, path, value)
            owners[manager] = set(wanted)
            meta = current["metadata"]
            if key[2]:
                meta["namespace"] = key[2]
            meta.setdefault("uid", str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(key))))
            meta.setdefault("creationTimestamp", "2026-12-04T12:00:00Z")
            after_spec = {k: v for k, v in current.items() if k not in {"metadata", "status"}}
            if stored is None:
                meta["generation"] = 1
            elif after_spec != before_spec:
                meta["generation"] = int(meta.get("generation", 1)) + 1
            meta["managedFields"] = [{"manager": m, "operation": "Apply", "apiVersion": key[0], "fieldsType": "FieldsV1"} for m in sorted(owners) if owners[m]]
            if dry_run:
                meta["resourceVersion"] = stored.obj["metadata"]["resourceVersion"] if stored else ""
                return current
            self.objects[key] = Stored(current, owners)
            result = self._commit("MODIFIED" if stored else "ADDED", current)
        self._notify("apply", result)
        return result

    def create(self, key: Key, obj: dict[str, Any], *, manager: str = "before-first-apply") -> dict[str, Any]:
        with self.lock:
            if key in self.objects:
                raise ApiError(409, "AlreadyExists", f'{key[1].lower()}s "{key[3]}" already exists')
            obj = copy.deepcopy(obj)
            meta = obj.setdefault("metadata", {})
            meta.update(
                {"name": key[3], "generation": 1, "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(key))), "creationTimestamp": "2026-12-04T12:00:00Z"}
            )
            if key[2]:
                meta["namespace"] = key[2]
            self.objects[key] = Stored(obj, {manager: {p for p in leaves(obj) if p not in _IDENTITY and p[0] != "status"}})
            result = self._commit("ADDED", obj)
        self._notify("create", result)
        return result

    def replace(self, key: Key, obj: dict[str, Any], *, manager: str = "kubectl-edit") -> dict[str, Any]:
        """PUT: optimistic concurrency on metadata.resourceVersion; the writer owns what it changed."""
        with self.lock:
            stored = self.objects.get(key)
            if stored is None:
                raise ApiError(404, "NotFound", f'{key[1].lower()}s "{key[3]}" not found')
            sent = obj.get("metadata", {}).get("resourceVersion")
            if sent and sent != stored.obj["metadata"]["resourceVersion"]:
                raise ApiError(
                    409,
                    "Conflict",
                    f'Operation cannot be fulfilled on {key[1].lower()}s "{key[3]}": the object has been modified; '
                    "please apply your changes to the latest version and try again",
                )
            obj = copy.deepcopy(obj)
            changed = {p for p, v in leaves(obj).items() if _get(stored.obj, p) != v and p not in _IDENTITY and p[0] not in {"metadata", "status"}}
            for paths in stored.owners.values():
                paths -= changed
            stored.owners.setdefault(manager, set()).update(changed)
            meta = obj["metadata"]
            for kept in ("uid", "creationTimestamp", "generation", "namespace"):
                if kept in stored.obj["metadata"]:
                    meta.setdefault(kept, stored.obj["metadata"][kept])
            if changed:
                meta["generation"] = int(stored.obj["metadata"].get("generation", 1)) + 1
            stored.obj = obj
            result = self._commit("MODIFIED", obj)
        self._notify("replace", result)
        return result

    def update_status(self, key: Key, status: dict[str, Any], **meta_changes: Any) -> dict[str, Any] | None:
        with self.lock:
            stored = self.objects.get(key)
            if stored is None:
                return None
            stored.obj["status"] = copy.deepcopy(status)
            stored.obj["metadata"].update(meta_changes)
            return self._commit("MODIFIED", stored.obj)

    def delete(self, key: Key) -> dict[str, Any]:
        with self.lock:
            stored = self.objects.pop(key, None)
            if stored is None:
                raise ApiError(404, "NotFound", f'{key[1].lower()}s "{key[3]}" not found')
            result = self._commit("DELETED", stored.obj)
        self._notify("delete", result)
        return result

    # -- reads ----------------------------------------------------------------------------------
    def get(self, key: Key) -> dict[str, Any]:
        with self.lock:
            stored = self.objects.get(key)
            if stored is None:
                raise ApiError(404, "NotFound", f'{key[1].lower()}s "{key[3]}" not found')
            return copy.deepcopy(stored.obj)

    def find(self, key: Key) -> dict[str, Any] | None:
        with self.lock:
            stored = self.objects.get(key)
            return copy.deepcopy(stored.obj) if stored else None

    def list(self, api_version: str, kind: str, namespace: str | None, match: Callable[[dict[str, Any]], bool]) -> tuple[list[dict[str, Any]], str]:
        with self.lock:
            items = [
                copy.deepcopy(s.obj)
                for k, s in sorted(self.objects.items())
                if k[0] == api_version and k[1] == kind and (namespace is None or k[2] == namespace) and match(s.obj)
            ]
            return items, str(self.rv)
