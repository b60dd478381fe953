"""The service's one pure ASGI middleware (no BaseHTTPMiddleware, and one layer rather than a
stack: every layer costs a call and a send wrapper per request): request id and trace id,
metrics by route template, the access log, security headers, the header and body size limits and the
catch-all that keeps stack traces off the wire."""

from __future__ import annotations

import random
import re
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import PROBLEM_MEDIA_TYPE, problem_bytes
from app.core.log import RequestContext, get_logger, request_context
from app.core.metrics import Metrics

_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_access_log = get_logger("app.access")
_error_log = get_logger("app.errors")


def _trace_id_from_traceparent(value: bytes | None) -> str | None:
    # W3C traceparent: version-traceid-spanid-flags
    if value and len(value) >= 55 and value[2:3] == b"-":
        return value[3:35].decode("latin-1")
    return None


class BodyTooLarge(HTTPException):
    """The request body exceeded the configured limit while it was being read. An HTTPException,
    so FastAPI's body parsing re-raises it instead of answering 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request body exceeds {limit} bytes.")


def _security_headers(hsts: bool) -> tuple[list[tuple[bytes, bytes]], list[tuple[bytes, bytes]]]:
    common = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"cache-control", b"no-store"),
    ]
    if hsts:
        common.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
    api = [*common, (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")]
    # Swagger UI needs its scripts; it is only served where docs are enabled (local by default).
    docs = [
        *common,
        (
            b"content-security-policy",
            b"default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            b"style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
            b"frame-ancestors 'none'",
        ),
    ]
    return api, docs


class EdgeMiddleware:
    """Everything every request needs on its way in and out.

    In: X-Request-ID (kept when well-formed, else generated), trace id from `traceparent`, a
    413 problem for a body over the limit (by Content-Length, or counted while a chunked body
    is read). Out: X-Request-ID, headers a route asked for (`scope["app.response_headers"]`,
    e.g. RateLimit-*), security headers; metrics by route template and one access log line.
    Any exception that no handler took becomes a bare 500 problem.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        max_body_bytes: int,
        max_header_bytes: int = 16_384,
        access_log: bool = True,
        hsts: bool = True,
        docs_paths: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes
        self.max_header_bytes = max_header_bytes
        self.access_log = access_log
        self.docs_paths = docs_paths
        api, docs = _security_headers(hsts)
        self.api_headers = (api, frozenset(name for name, _ in api))
        self.docs_headers = (docs, frozenset(name for name, _ in docs))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        request_id = traceparent = length = chunked = None
        header_bytes = 0
        for key, value in scope["headers"]:
            header_bytes += len(key) + len(value)
            if key == b"x-request-id":
                request_id = value.decode("latin-1")
            elif key == b"traceparent":
                traceparent = value
            elif key == b"content-length":
                length = value
            elif key == b"transfer-encoding":
                chunked = value
        if request_id is None or not _REQUEST_ID_OK.match(request_id):
            request_id = f"{random.getrandbits(128):032x}"  # an id, not a secret: no syscall needed
        ctx = RequestContext(request_id=request_id, trace_id=_trace_id_from_traceparent(traceparent))
        token = request_context.set(ctx)
        extra, extra_names = self.docs_headers if scope["path"] in self.docs_paths else self.api_headers
        rid_header = (b"x-request-id", request_id.encode("latin-1"))
        status = 500
        started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                headers = list(message.get("headers", ()))
                existing = {k.lower() for k, _ in headers}
                asked = scope.get("app.response_headers")
                if asked:
                    headers.extend(h for h in asked if h[0] not in existing)
                # The route rarely sets a security header itself: then all of them go as they are.
                headers.extend(extra if existing.isdisjoint(extra_names) else [h for h in extra if h[0] not in existing])
                headers.append(rid_header)
                message["headers"] = headers
            await send(message)

        try:
            if header_bytes > self.max_header_bytes:
                # Before the token is verified: a megabyte Authorization header costs nothing more.
                status = 431
                await _send_problem(send_wrapper, 431, f"Request headers exceed {self.max_header_bytes} bytes.", close=True)
                return
            if length is not None and _too_large(length, self.max_body_bytes):
                status = 413
                await _send_problem(send_wrapper, 413, f"Request body exceeds {self.max_body_bytes} bytes.", close=True)
                return
            if chunked is not None:
                receive = self._limited(receive)
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:  # the last line of defence: never a traceback on the wire
            _error_log.error("unhandled_exception", path=scope.get("path"), exc_info=exc)
            if started:  # too late for a clean answer: let the server drop the connection
                raise
            await _send_problem(send_wrapper, 500, "An unexpected error occurred.", instance=scope.get("path"))
        finally:
            elapsed = time.perf_counter() - start
            template = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe_request(scope["method"], template, status, elapsed)
            if self.access_log and template != "/healthz":
                _access_log.info(
                    "request", method=scope["method"], route=template, status=status, duration_ms=round(elapsed * 1000, 2)
                )
            request_context.reset(token)

    def _limited(self, receive: Receive) -> Receive:
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

        return receive_limited


def _too_large(length: bytes, limit: int) -> bool:
    try:
        return int(length) > limit
    except ValueError:
        return False


async def _send_problem(send: Send, status: int, detail: str, *, instance: str | None = None, close: bool = False) -> None:
    body = problem_bytes(status, detail, **({"instance": instance} if instance else {}))
    headers = [(b"content-type", PROBLEM_MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
