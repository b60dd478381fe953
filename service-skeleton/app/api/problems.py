"""RFC 9457 problem details: the one error shape every response of the service uses."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute, Match

from app.core.log import get_logger

PROBLEM_MEDIA_TYPE = "application/problem+json"
_log = get_logger("app.problems")

try:  # orjson is optional; the stdlib is fine for error paths.
    import orjson as _orjson

    def _dumps(data: Any) -> bytes:
        return _orjson.dumps(data)
except ImportError:  # pragma: no cover - depends on the environment
    import json as _json

    def _dumps(data: Any) -> bytes:
        return _json.dumps(data, separators=(",", ":"), default=str).encode()


class Problem(Exception):
    """Raise anywhere to answer with `application/problem+json`.

    Args:
        status: HTTP status code.
        title: short, stable summary of the problem type (defaults to the status phrase).
        detail: human-readable explanation specific to this occurrence.
        type: URI identifying the problem type (`about:blank` when the status says it all).
        headers: extra response headers (e.g. `WWW-Authenticate`, `Retry-After`).
        extra: extension members added to the body.
    """

    def __init__(
        self,
        status: int,
        title: str | None = None,
        detail: str | None = None,
        *,
        type: str = "about:blank",
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        self.status = status
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.type = type
        self.headers = headers or {}
        self.extra = extra
        super().__init__(f"{status} {self.title}: {detail}")


def problem_response(
    status: int,
    title: str | None = None,
    detail: str | None = None,
    *,
    type: str = "about:blank",
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """Build a problem+json response without raising."""
    body: dict[str, Any] = {"type": type, "title": title or HTTPStatus(status).phrase, "status": status}
    if detail is not None:
        body["detail"] = detail
    if instance is not None:
        body["instance"] = instance
    body.update(extra)
    return Response(_dumps(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def problem_bytes(status: int, detail: str | None = None, **extra: Any) -> bytes:
    """The body of a problem, for pure ASGI middleware that answers before the app."""
    body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    if detail is not None:
        body["detail"] = detail
    body.update(extra)
    return _dumps(body)


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return problem_response(
        exc.status, exc.title, exc.detail, type=exc.type, instance=request.url.path, headers=exc.headers, **exc.extra
    )


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail: str | None = exc.detail if isinstance(exc.detail, str) else None
    if detail == HTTPStatus(exc.status_code).phrase:
        detail = None
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    return problem_response(exc.status_code, detail=detail, instance=request.url.path, headers=headers)


def _allowed_methods(request: Request) -> str:
    # Starlette's 405 names only the methods of the first route that matched the path; a path
    # served by several routes (GET and POST /items) allows the methods of all of them.
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, BaseRoute) and route.matches(request.scope)[0] is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # Only location, message and type: `input` and `ctx` may echo secrets or hold non-JSON objects.
    errors = [
        {"loc": list(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))}
        for err in exc.errors()
    ]
    return problem_response(
        422,
        "Request validation failed",
        f"{len(errors)} invalid field(s)",
        type="urn:problem-type:validation-error",
        instance=request.url.path,
        errors=errors,
    )


async def _on_database_unavailable(request: Request, exc: Exception) -> Response:
    # A full pool or an unreachable database (the only connection the core makes in a request) is
    # temporary: 503 + Retry-After tells clients and Kong to retry.
    _log.warning("database_unavailable", path=request.url.path, error=type(exc).__name__)
    return problem_response(
        503,
        "Database unavailable",
        "The database is unavailable or saturated; retry shortly.",
        instance=request.url.path,
        headers={"Retry-After": "1"},
    )


async def _on_connection_error(request: Request, exc: Exception) -> Response:
    # asyncpg raises a bare ConnectionRefusedError from a failed connect; a feature's client may
    # too. Either way a backing service is down, which is worth a retry, not a 500.
    _log.warning("backing_service_unavailable", path=request.url.path, error=type(exc).__name__)
    return problem_response(
        503,
        "Service unavailable",
        "A backing service is unavailable; retry shortly.",
        instance=request.url.path,
        headers={"Retry-After": "1"},
    )


# SQLSTATE classes that say "the server cannot serve you right now", not "your query is wrong":
# 08 connection exception, 53 insufficient resources (too many connections), 57P operator
# intervention (57P01 admin shutdown, 57P03 cannot connect now: every RDS failover and reboot).
_UNAVAILABLE_SQLSTATES = ("08", "53", "57P")


def _sqlstate(exc: DBAPIError) -> str:
    # asyncpg's errors carry `sqlstate`; SQLAlchemy's adapted ones copy it to `pgcode` too.
    return str(getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None) or "")


async def _on_dbapi_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DBAPIError)
    if (
        exc.connection_invalidated
        or isinstance(exc, OperationalError | InterfaceError)
        or isinstance(exc.orig, OSError)
        or _sqlstate(exc).startswith(_UNAVAILABLE_SQLSTATES)
    ):
        return await _on_database_unavailable(request, exc)
    return await _on_unhandled(request, exc)


async def _on_postgres_error(request: Request, exc: Exception) -> Response:
    # asyncpg raises its own error, unwrapped by SQLAlchemy, when a *new* connection is refused:
    # CannotConnectNowError (57P03) while the server starts or shuts down, TooManyConnections (53300).
    if str(getattr(exc, "sqlstate", "") or "").startswith(_UNAVAILABLE_SQLSTATES):
        return await _on_database_unavailable(request, exc)
    return await _on_unhandled(request, exc)


async def _on_unhandled(request: Request, exc: Exception) -> Response:
    _log.error("unhandled_exception", path=request.url.path, exc_info=exc)
    return problem_response(500, detail="An unexpected error occurred.", instance=request.url.path)


def install_problem_handlers(app: FastAPI) -> None:
    """Map every error to problem+json; the catch-all never reveals a stack trace."""
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(SQLAlchemyTimeoutError, _on_database_unavailable)
    app.add_exception_handler(ConnectionError, _on_connection_error)
    app.add_exception_handler(DBAPIError, _on_dbapi_error)
    try:
        from asyncpg import PostgresError
    except ImportError:  # pragma: no cover - asyncpg is a dependency; SQLite-only forks may drop it
        pass
    else:
        app.add_exception_handler(PostgresError, _on_postgres_error)
    app.add_exception_handler(Exception, _on_unhandled)
