"""JSON logs through structlog, with request id, trace id and user bound from the request context."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import structlog


@dataclass(slots=True)
class RequestContext:
    """Per-request values shared by middleware, auth and the log processor (mutable on purpose:
    a dependency fills `user` after the middleware has created the context)."""

    request_id: str
    trace_id: str | None = None
    user: str | None = None


request_context: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


def current_trace_id() -> str | None:
    """The active OTel span's trace id, without importing OTel when tracing is off."""
    trace: Any = sys.modules.get("opentelemetry.trace")
    if trace is None:
        return None
    span_context = trace.get_current_span().get_span_context()
    return format(span_context.trace_id, "032x") if span_context.is_valid else None


def _add_request_context(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    ctx = request_context.get()
    if ctx is not None:
        event.setdefault("request_id", ctx.request_id)
        trace_id = ctx.trace_id or current_trace_id()
        if trace_id:
            event.setdefault("trace_id", trace_id)
        if ctx.user:
            event.setdefault("user", ctx.user)
    return event


def configure_logging(*, service: str, level: str = "INFO", json: bool = True) -> None:
    """Route structlog and stdlib logging (uvicorn, sqlalchemy, alembic) to one JSON stream on stdout."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
        _add_request_context,
        lambda _, __, event: {**event, "service": service} if "service" not in event else event,
    ]
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    handler.set_name("app-json")
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if h.get_name() != "app-json"] + [handler]
    root.setLevel(level.upper())
    for noisy in ("alembic.runtime.plugins", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # uvicorn's own access log would duplicate ours.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True


def get_logger(name: str | None = None) -> Any:
    """The logger factory for the core and for features: `get_logger(__name__).info("event", key=value)`."""
    return structlog.stdlib.get_logger(name)
