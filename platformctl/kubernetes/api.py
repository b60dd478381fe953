"""The Kubernetes API as deploy uses it: a small Protocol, and its implementation on the client's DynamicClient.

Objects travel as plain dicts. The client's exceptions become ours here, where the client is called:
a field conflict becomes ApplyConflict (with each field and its manager), an unreachable server a
sentence naming it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from platformctl.config.service_names import FIELD_MANAGER
from platformctl.errors import MissingToolError, PlatformctlError, UsageError


@dataclass(frozen=True)
class FieldConflict:
    kind: str
    name: str
    field: str
    manager: str


class ApplyConflict(UsageError):
    """Server-side apply refused: fields are owned by another manager (exit 2 unless --force-conflicts)."""

    def __init__(self, conflicts: list[FieldConflict]) -> None:
        super().__init__(
            f"{len(conflicts)} field(s) of the service's objects are owned by another field manager, so applying would take them over.",
            hint="Find out who changed them (e.g. `kubectl edit`); rerun with --force-conflicts to take them back.",
            details=[f"{c.kind}/{c.name} {c.field}: owned by {c.manager}" for c in conflicts],
        )
        self.conflicts = conflicts


class Forbidden(PlatformctlError):
    """The cluster's RBAC does not let this identity do it (403)."""


class Conflict(Exception):
    """A create or replace lost a race (AlreadyExists, or a stale resourceVersion)."""


class KubeApi(Protocol):
    """What deploy needs from a cluster."""

    host: str

    def apply(self, body: dict[str, Any], *, force: bool = False, dry_run: bool = False) -> dict[str, Any]: ...
    def get(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None: ...
    def list(
        self, api_version: str, kind: str, namespace: str, *, labels: str | None = None, fields: str | None = None
    ) -> tuple[list[dict[str, Any]], str]: ...
    def watch(
        self, api_version: str, kind: str, namespace: str, *, resource_version: str, timeout: int, labels: str | None = None
    ) -> Iterator[dict[str, Any]]: ...
    def create(self, body: dict[str, Any]) -> dict[str, Any]: ...
    def replace(self, body: dict[str, Any]) -> dict[str, Any]: ...
    def delete(self, api_version: str, kind: str, name: str, namespace: str) -> bool: ...
    def pod_log(self, namespace: str, pod: str, *, tail_lines: int | None = None) -> str: ...
    def api_version_of(self, group: str, kind: str) -> str | None: ...


class DynamicKubeApi:
    """KubeApi on `kubernetes.dynamic.DynamicClient` (discovery, apply, watch) and CoreV1Api (logs)."""

    def __init__(self, api_client: Any, *, discovery_cache: str | None = None) -> None:
        from kubernetes.dynamic import DynamicClient

        self._api_client = api_client
        self.host = str(api_client.configuration.host)
        try:
            self._client = DynamicClient(api_client, cache_file=discovery_cache)  # type: ignore[no-untyped-call]
        except Exception as exc:  # discovery is the first call: the place an unreachable cluster shows
            raise _translate(exc, f"reach the Kubernetes API at {self.host}") from None

    def _resource(self, api_version: str, kind: str) -> Any:
        from kubernetes.dynamic.exceptions import ResourceNotFoundError

        try:
            return self._client.resources.get(api_version=api_version, kind=kind)
        except ResourceNotFoundError:
            raise UsageError(
                f"The cluster at {self.host} does not serve {kind} ({api_version}).",
                hint="Install the add-on that defines it (the platform's addons layer), then deploy again.",
            ) from None

    def apply(self, body: dict[str, Any], *, force: bool = False, dry_run: bool = False) -> dict[str, Any]:
        from kubernetes.dynamic.exceptions import ConflictError, DynamicApiError, NotFoundError

        resource = self._resource(body["apiVersion"], body["kind"])
        extra: dict[str, Any] = {"dry_run": "All"} if dry_run else {}
        try:
            result = resource.server_side_apply(body=body, field_manager=FIELD_MANAGER, force_conflicts=force or None, **extra)
        except ConflictError as exc:
            raise ApplyConflict(_conflicts(body, exc.body)) from None
        except NotFoundError:
            raise self._no_namespace(body) from None
        except DynamicApiError as exc:
            raise _translate(exc, f"apply {body['kind']}/{body['metadata']['name']}") from None
        except Exception as exc:
            raise _translate(exc, f"apply {body['kind']}/{body['metadata']['name']}") from None
        return dict(result.to_dict())

    def get(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        from kubernetes.dynamic.exceptions import NotFoundError

        try:
            return dict(self._resource(api_version, kind).get(name=name, namespace=namespace).to_dict())
        except NotFoundError:
            return None
        except Exception as exc:
            raise _translate(exc, f"read {kind}/{name}") from None

    def list(self, api_version: str, kind: str, namespace: str, *, labels: str | None = None, fields: str | None = None) -> tuple[list[dict[str, Any]], str]:
        try:
            found = self._resource(api_version, kind).get(namespace=namespace, label_selector=labels, field_selector=fields).to_dict()
        except PlatformctlError:
            raise
        except Exception as exc:
            raise _translate(exc, f"list {kind} in {namespace}") from None
        return list(found.get("items") or []), str(found["metadata"].get("resourceVersion", ""))

    def watch(self, api_version: str, kind: str, namespace: str, *, resource_version: str, timeout: int, labels: str | None = None) -> Iterator[dict[str, Any]]:
        from kubernetes.watch import Watch

        resource = self._resource(api_version, kind)
        try:
            for event in self._client.watch(
                resource,
                namespace=namespace,
                label_selector=labels,
                resource_version=resource_version,
                timeout=timeout,
                watcher=Watch(),  # type: ignore[no-untyped-call]
            ):
                yield {"type": event["type"], "object": event["raw_object"]}
        except PlatformctlError:
            raise
        except Exception as exc:
            raise _translate(exc, f"watch {kind} in {namespace}") from None

    def _no_namespace(self, body: dict[str, Any]) -> UsageError:
        # A write of a served kind answered 404: what is missing is its namespace.
        namespace = body["metadata"].get("namespace", "")
        return UsageError(
            f"The namespace {namespace} does not exist in the cluster at {self.host}.",
            hint="The service's stack creates it with its IAM role and repository: apply that stack for this environment first.",
        )

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        from kubernetes.dynamic.exceptions import ConflictError, NotFoundError

        try:
            return dict(self._resource(body["apiVersion"], body["kind"]).create(body=body, field_manager=FIELD_MANAGER).to_dict())
        except ConflictError:
            raise Conflict(f"{body['kind']}/{body['metadata']['name']} already exists") from None
        except NotFoundError:
            raise self._no_namespace(body) from None
        except Exception as exc:
            raise _translate(exc, f"create {body['kind']}/{body['metadata']['name']}") from None

    def replace(self, body: dict[str, Any]) -> dict[str, Any]:
        from kubernetes.dynamic.exceptions import ConflictError

        try:
            return dict(self._resource(body["apiVersion"], body["kind"]).replace(body=body, field_manager=FIELD_MANAGER).to_dict())
        except ConflictError:
            raise Conflict(f"{body['kind']}/{body['metadata']['name']} changed since it was read") from None
        except Exception as exc:
            raise _translate(exc, f"update {body['kind']}/{body['metadata']['name']}") from None

    def delete(self, api_version: str, kind: str, name: str, namespace: str) -> bool:
        from kubernetes.dynamic.exceptions import NotFoundError

        try:
            self._resource(api_version, kind).delete(name=name, namespace=namespace, propagation_policy="Background")
        except NotFoundError:
            return False
        except Exception as exc:
            raise _translate(exc, f"delete {kind}/{name}") from None
        return True

    def pod_log(self, namespace: str, pod: str, *, tail_lines: int | None = None) -> str:
        from kubernetes import client

        try:
            text = client.CoreV1Api(self._api_client).read_namespaced_pod_log(pod, namespace, tail_lines=tail_lines)
        except client.ApiException as exc:
            if exc.status in {400, 404}:  # not started yet, or gone
                return ""
            raise _translate(exc, f"read the log of pod {pod}") from None
        return str(text or "")

    def api_version_of(self, group: str, kind: str) -> str | None:
        from kubernetes.dynamic.exceptions import ResourceNotFoundError

        try:
            found = self._client.resources.get(group=group, kind=kind)
        except (ResourceNotFoundError, ValueError):
            return None
        return str(found.group_version)


def _conflicts(body: dict[str, Any], raw: Any) -> list[FieldConflict]:
    try:
        causes = json.loads(raw)["details"]["causes"]
    except (TypeError, ValueError, KeyError):
        causes = []
    kind, name = body["kind"], body["metadata"]["name"]
    out = []
    for cause in causes:
        message = str(cause.get("message", ""))
        manager = message.split('"')[1] if message.count('"') >= 2 else message
        out.append(FieldConflict(kind, name, str(cause.get("field", "?")), manager))
    return out or [FieldConflict(kind, name, "?", "another manager")]


def _translate(exc: Exception, action: str) -> PlatformctlError:
    status = getattr(exc, "status", None)
    summary = getattr(exc, "summary", None)
    detail = summary() if callable(summary) else str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if status == 401:
        return MissingToolError(f"The cluster refused the credentials while trying to {action}.", hint="Refresh them: `aws sso login`, or check KUBECONFIG.")
    if status == 403:
        return Forbidden(f"Not allowed to {action}: {detail}.", hint="The deploy identity needs the app-deployer Role in the service's namespace.")
    if status == 422:
        return UsageError(
            f"The cluster refused to {action}: {detail}.", hint="The rendered manifest is invalid for this cluster; `platformctl render` shows it."
        )
    if status is None:
        return PlatformctlError(f"Could not {action}: {detail}.", hint="Check the cluster endpoint, the network, and that the cluster is running.")
    return PlatformctlError(f"The cluster answered {status} while trying to {action}: {detail}.")
