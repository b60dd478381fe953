"""The stand-in's HTTP side: routing, discovery, JSON and YAML bodies, chunked watch streams, pod logs."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

from tests.kube_standin.store import ApiError, Key, Store

# (group, version, kind, plural, namespaced): what deploy touches, served in discovery and routed.
RESOURCES: list[tuple[str, str, str, str, bool]] = [
    ("", "v1", "Namespace", "namespaces", False),
    ("", "v1", "ConfigMap", "configmaps", True),
    ("", "v1", "Secret", "secrets", True),
    ("", "v1", "ServiceAccount", "serviceaccounts", True),
    ("", "v1", "Service", "services", True),
    ("", "v1", "Pod", "pods", True),
    ("", "v1", "Event", "events", True),
    ("apps", "v1", "Deployment", "deployments", True),
    ("apps", "v1", "ReplicaSet", "replicasets", True),
    ("batch", "v1", "Job", "jobs", True),
    ("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True),
    ("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", True),
    ("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", True),
    ("networking.k8s.io", "v1", "Ingress", "ingresses", True),
    ("coordination.k8s.io", "v1", "Lease", "leases", True),
    ("external-secrets.io", "v1beta1", "ExternalSecret", "externalsecrets", True),
    ("configuration.konghq.com", "v1", "KongPlugin", "kongplugins", True),
]
_BY_PLURAL = {(g, v, plural): (kind, namespaced) for g, v, kind, plural, namespaced in RESOURCES}


def _api_version(group: str, version: str) -> str:
    return f"{group}/{version}" if group else version


def _discovery(path: str) -> dict[str, Any] | None:
    if path == "/version":
        return {"major": "1", "minor": "31", "gitVersion": "v1.31.0-standin", "platform": "linux/amd64"}
    if path == "/api":
        return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
    if path == "/apis":
        groups: dict[str, list[str]] = {}
        for g, v, *_ in RESOURCES:
            if g and v not in groups.setdefault(g, []):
                groups[g].append(v)
        return {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [
                {
                    "name": g,
                    "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
                    "preferredVersion": {"groupVersion": f"{g}/{vs[0]}", "version": vs[0]},
                }
                for g, vs in groups.items()
            ],
        }
    parts = path.strip("/").split("/")
    if (parts[0] == "api" and len(parts) == 2) or (parts[0] == "apis" and len(parts) == 3):
        group, version = ("", parts[1]) if parts[0] == "api" else (parts[1], parts[2])
        resources = []
        for g, v, kind, plural, namespaced in RESOURCES:
            if (g, v) != (group, version):
                continue
            verbs = ["create", "delete", "get", "list", "patch", "update", "watch"]
            resources.append({"name": plural, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind, "verbs": verbs})
            resources.append({"name": f"{plural}/status", "singularName": "", "namespaced": namespaced, "kind": kind, "verbs": ["get", "patch", "update"]})
            if kind == "Pod":
                resources.append({"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod", "verbs": ["get"]})
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": _api_version(group, version), "resources": resources}
    return None


def _selector_matches(selector: str, labels: dict[str, str]) -> bool:
    for term in filter(None, (t.strip() for t in selector.split(","))):
        if "!=" in term:
            k, v = term.split("!=", 1)
            if labels.get(k) == v:
                return False
        elif "=" in term:
            k, v = term.split("=", 1)
            if labels.get(k) != v.lstrip("="):
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    return True


def _field_matches(selector: str, obj: dict[str, Any]) -> bool:
    for term in filter(None, selector.split(",")):
        path, _, want = term.partition("=")
        value: Any = obj
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if str(value) != want:
            return False
    return True


class StandIn:
    """Serve a Store on 127.0.0.1; `host` is what a kubernetes Configuration points at."""

    def __init__(self, store: Store, *, watch_cap_seconds: float = 0.5) -> None:
        self.store = store
        self.watch_cap_seconds = watch_cap_seconds
        self.logs: dict[tuple[str, str], str] = {}  # (namespace, pod) -> log text
        self.forbidden: set[str] = set()  # plurals the caller's RBAC does not allow (every verb answers 403)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="kube-standin", daemon=True)
        self.stopping = threading.Event()

    @property
    def host(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> StandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        with self.store.lock:
            self.store.lock.notify_all()
        self._server.shutdown()
        self._server.server_close()


def _handler(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    store = standin.store

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body leave in separate writes: without this, Nagle plus delayed ACK add 40 ms to each answer.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _send(self, code: int, body: Any, content_type: str = "application/json") -> None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict[str, Any]:
            raw = self._raw or "{}"
            loaded = yaml.safe_load(raw) if "yaml" in (self.headers.get("Content-Type") or "") else json.loads(raw)
            return loaded or {}

        def _route(self) -> tuple[str, str, str, str, str | None, str | None, dict[str, str]]:
            """(api_version, kind, plural, namespace or '', name, subresource, query)."""
            split = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(split.query).items()}
            parts = split.path.strip("/").split("/")
            if parts[0] == "api":
                group, version, rest = "", parts[1], parts[2:]
            else:
                group, version, rest = parts[1], parts[2], parts[3:]
            namespace = ""
            if rest[:1] == ["namespaces"] and len(rest) >= 3:
                namespace, rest = rest[1], rest[2:]
            plural = rest[0]
            if (group, version, plural) not in _BY_PLURAL:
                raise ApiError(404, "NotFound", f"the server could not find the requested resource ({split.path})")
            kind, _ = _BY_PLURAL[(group, version, plural)]
            name = rest[1] if len(rest) > 1 else None
            sub = rest[2] if len(rest) > 2 else None
            return _api_version(group, version), kind, plural, namespace, name, sub, query

        def _dispatch(self, method: str) -> None:
            store.requests.append((method, self.path))
            # Read the body first, whatever the answer: a body left unread would be parsed as the connection's next request.
            length = int(self.headers.get("Content-Length") or 0)
            self._raw = self.rfile.read(length).decode() if length else ""
            path = urlsplit(self.path).path
            try:
                if method == "GET" and (found := _discovery(path)) is not None:
                    return self._send(200, found)
                api_version, kind, plural, namespace, name, sub, query = self._route()
                key: Key = (api_version, kind, namespace, name or "")
                if plural in standin.forbidden:
                    raise ApiError(
                        403, "Forbidden", f'{plural} is forbidden: User "ci" cannot {method.lower()} resource "{plural}" in the namespace "{namespace}"'
                    )
                if method in {"PATCH", "POST", "PUT"} and namespace and store.find(("v1", "Namespace", "", namespace)) is None:
                    raise ApiError(404, "NotFound", f'namespaces "{namespace}" not found')
                if method == "GET" and name and sub == "log":
                    return self._logs(namespace, name, query)
                if method == "GET" and name:
                    return self._send(200, store.get(key))
                if method == "GET" and query.get("watch") in {"true", "1", "True"}:
                    try:
                        return self._watch(api_version, kind, namespace or None, query)
                    except (BrokenPipeError, ConnectionResetError):  # the client stopped watching: normal
                        self.close_connection = True
                        return None
                if method == "GET":
                    items, rv = store.list(api_version, kind, namespace or None, self._matcher(query))
                    return self._send(200, {"kind": f"{kind}List", "apiVersion": api_version, "metadata": {"resourceVersion": rv}, "items": items})
                if method == "PATCH":
                    if self.headers.get("Content-Type") != "application/apply-patch+yaml":
                        raise ApiError(415, "UnsupportedMediaType", f"the stand-in serves only server-side apply, not {self.headers.get('Content-Type')}")
                    if not query.get("fieldManager"):
                        raise ApiError(422, "Invalid", "PATCH, fieldManager: Required value: is required for apply patch")
                    body = self._body()
                    if body.get("kind") != kind or body.get("metadata", {}).get("name") != name:
                        raise ApiError(422, "Invalid", f"{kind} {name!r}: the body's kind and name must match the URL")
                    result = store.apply(
                        key, body, manager=query["fieldManager"], force=query.get("force") in {"true", "True"}, dry_run=query.get("dryRun") == "All"
                    )
                    return self._send(200, result)
                if method == "POST":
                    body = self._body()
                    key = (api_version, kind, namespace, body.get("metadata", {}).get("name", ""))
                    return self._send(201, store.create(key, body, manager=query.get("fieldManager", "unknown")))
                if method == "PUT":
                    return self._send(200, store.replace(key, self._body(), manager=query.get("fieldManager", "unknown")))
                if method == "DELETE":
                    store.delete(key)
                    return self._send(
                        200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": {"name": name, "kind": plural}}
                    )
                raise ApiError(405, "MethodNotAllowed", f"{method} is not supported here")
            except ApiError as exc:
                self._send(exc.code, exc.status())

        def _matcher(self, query: dict[str, str]) -> Any:
            labels, fields = query.get("labelSelector", ""), query.get("fieldSelector", "")
            return lambda obj: _selector_matches(labels, obj.get("metadata", {}).get("labels") or {}) and _field_matches(fields, obj)

        def _logs(self, namespace: str, pod: str, query: dict[str, str]) -> None:
            store.get(("v1", "Pod", namespace, pod))
            lines = standin.logs.get((namespace, pod), "").splitlines(keepends=True)
            if "tailLines" in query:
                lines = lines[-int(query["tailLines"]) :] if int(query["tailLines"]) else []
            self._send(200, "".join(lines), "text/plain")

        def _watch(self, api_version: str, kind: str, namespace: str | None, query: dict[str, str]) -> None:
            match = self._matcher(query)
            since = int(query.get("resourceVersion") or 0)
            deadline = time.monotonic() + min(float(query.get("timeoutSeconds") or 60), standin.watch_cap_seconds)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

            def chunk(data: bytes) -> None:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            sent = 0
            if since == 0:  # no resourceVersion: the current state as synthetic ADDED events first
                items, rv = store.list(api_version, kind, namespace, match)
                for item in items:
                    chunk(json.dumps({"type": "ADDED", "object": item}).encode() + b"\n")
                since = int(rv)
            with store.lock:
                sent = next((i for i, (rv, _, _) in enumerate(store.events) if rv > since), len(store.events))
            while not standin.stopping.is_set():
                with store.lock:
                    pending = store.events[sent:]
                    sent = len(store.events)
                    if not pending:
                        remaining = deadline - time.monotonic()
                        if remaining <= 0:
                            break
                        store.lock.wait(remaining)
                        continue
                for _, event_type, obj in pending:
                    same_collection = obj.get("apiVersion") == api_version and obj.get("kind") == kind
                    in_namespace = namespace is None or obj.get("metadata", {}).get("namespace") == namespace
                    if same_collection and in_namespace and match(obj):
                        chunk(json.dumps({"type": event_type, "object": obj}).encode() + b"\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_POST(self) -> None:
            self._dispatch("POST")

        def do_PUT(self) -> None:
            self._dispatch("PUT")

        def do_PATCH(self) -> None:
            self._dispatch("PATCH")

        def do_DELETE(self) -> None:
            self._dispatch("DELETE")

    return Handler
