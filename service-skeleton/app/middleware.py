"""Pure ASGI middleware (no BaseHTTPMiddleware): request context, metrics, access log, catch-all,
security headers and the request body limit."""

from __future__ import annotations

import re
import time
import uuid

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.log import RequestContext, get_logger, request_context
from app.metrics import Metrics
from app.problems import PROBLEM_MEDIA_TYPE, problem_bytes

_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_access_log = get_logger("app.access")
_error_log = get_logger("app.errors")


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None


def _trace_id_from_traceparent(value: bytes | None) -> str | None:
    # W3C traceparent: version-traceid-spanid-flags
    if value and len(value) >= 55 and value[2:3] == b"-":
        return value[3:35].decode("latin-1")
    return None


class ObservabilityMiddleware:
    """Outermost app middleware: X-Request-ID in and out, trace id, metrics by route template,
    one access log line, and a last-resort catch-all (SecurityMiddleware catches route errors)."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, access_log: bool = True) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        incoming = _header(scope, b"x-request-id")
        request_id = (
            incoming.decode("latin-1") if incoming and _REQUEST_ID_OK.match(incoming.decode("latin-1")) else uuid.uuid4().hex
        )
        ctx = RequestContext(request_id=request_id, trace_id=_trace_id_from_traceparent(_header(scope, b"traceparent")))
        token = request_context.set(ctx)
        status = 500
        started = False
        rid_header = (b"x-request-id", request_id.encode("latin-1"))

        async def send_wrapper(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), rid_header]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:  # the last line of defence: never a traceback on the wire
            _error_log.error("unhandled_exception", path=scope.get("path"), exc_info=exc)
            if not started:
                status = 500
                body = problem_bytes(500, "An unexpected error occurred.")
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                            (b"content-length", str(len(body)).encode()),
                            rid_header,
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.observe_request(scope["method"], template, status, elapsed)
            if self.access_log and template != "/healthz":
                _access_log.info(
                    "request",
                    method=scope["method"],
                    route=template,
                    status=status,
                    duration_ms=round(elapsed * 1000, 2),
                )
            request_context.reset(token)


class BodyTooLarge(HTTPException):
    """The request body exceeded the configured limit while it was being read. An HTTPException,
    so FastAPI's body parsing re-raises it instead of answering 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request body exceeds {limit} bytes.")


class SecurityMiddleware:
    """Security headers on every response, a request body size limit (413 problem), and the
    catch-all that keeps stack traces off the wire (500 problem)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, hsts: bool = True, docs_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.docs_paths = docs_paths
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cache-control", b"no-store"),
        ]
        if hsts:
            common.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
        self.api_headers = [*common, (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")]
        # Swagger UI needs its scripts; it is only served where docs are enabled (local by default).
        self.docs_headers = [
            *common,
            (
                b"content-security-policy",
                b"default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
                b"style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
                b"frame-ancestors 'none'",
            ),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.docs_headers if scope["path"] in self.docs_paths else self.api_headers

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                existing = {k.lower() for k, _ in headers}
                headers.extend(h for h in scope.get("app.response_headers", ()) if h[0] not in existing)
                headers.extend(h for h in extra if h[0] not in existing)
                message["headers"] = headers
            await send(message)

        length = _header(scope, b"content-length")
        if length is not None:
            try:
                too_large = int(length) > self.max_body_bytes
            except ValueError:
                too_large = False
            if too_large:
                await self._reject(send_wrapper)
                return
            await self._guarded(scope, receive, send_wrapper)
            return

        received = 0
        limit = self.max_body_bytes

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self._guarded(scope, receive_limited, send_wrapper)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The catch-all: an exception no handler took becomes a bare 500 problem, with these headers."""
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            _error_log.error("unhandled_exception", path=scope.get("path"), exc_info=exc)
            if started:  # too late for a clean answer: let the server drop the connection
                raise
            body = problem_bytes(500, "An unexpected error occurred.", instance=scope.get("path"))
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", PROBLEM_MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())],
                }
            )
            await send({"type": "http.response.body", "body": body})

    async def _reject(self, send: Send) -> None:
        body = problem_bytes(413, f"Request body exceeds {self.max_body_bytes} bytes.")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
