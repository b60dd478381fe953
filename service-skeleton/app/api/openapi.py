"""The OpenAPI document told the truth: the bearer scheme, and every error an operation can send
as `application/problem+json` (RFC 9457) instead of FastAPI's `HTTPValidationError`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.api.problems import PROBLEM_MEDIA_TYPE

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "On 422: one entry per invalid field.",
            "items": {
                "type": "object",
                "properties": {"loc": {"type": "array", "items": {}}, "msg": {"type": "string"}, "type": {"type": "string"}},
            },
        },
    },
}
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

# What the edge can answer on any operation (EdgeMiddleware, the problem handlers).
_ALWAYS = {
    "422": "The request is invalid (the body lists each field).",
    "431": "The request headers are too large.",
    "500": "An unexpected error occurred.",
    "503": "A backing service (database, queue) is unavailable; retry after Retry-After.",
}
_SECURED = {
    "401": "Missing or invalid bearer token (see WWW-Authenticate).",
    "403": "The token lacks the role or scope the operation needs.",
    "429": "Rate limit exceeded; retry after Retry-After.",
}
_WITH_BODY = {"400": "The body cannot be parsed.", "413": "The request body is too large."}
_WITH_PATH_PARAMS = {"404": "No such resource."}
_WITH_QUERY = {"400": "A query value is malformed (e.g. a cursor not issued by this service)."}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}}


def _document_errors(operation: dict[str, Any], secured: bool, *, extra: dict[str, str] | None = None) -> None:
    params = {p.get("in") for p in operation.get("parameters", ())}
    errors = dict(_ALWAYS)
    if secured:
        errors |= _SECURED
    if "requestBody" in operation:
        errors |= _WITH_BODY
    if "path" in params:
        errors |= _WITH_PATH_PARAMS
    if "query" in params:
        errors |= _WITH_QUERY
    errors |= extra or {}
    responses = operation.setdefault("responses", {})
    for status, description in errors.items():
        # A route's own description of a status wins; its content becomes problem+json.
        responses[status] = _problem(responses.get(status, {}).get("description") or description)


def install_openapi(app: FastAPI) -> None:
    """Post-process the generated document once: the bearer scheme (without a security
    dependency on every request: routes authenticate through Guard), problem+json errors.
    A route documents an error of its own with `responses={409: {"description": ...}}`."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            components = schema.setdefault("components", {})
            schemes = components.setdefault("securitySchemes", {})
            schemes["bearerAuth"] = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            schemas = components.setdefault("schemas", {})
            schemas["Problem"] = PROBLEM_SCHEMA
            # Every operation needs a token unless it says otherwise (`openapi_extra={"security": []}`).
            schema.setdefault("security", [{"bearerAuth": []}])
            for path_item in schema.get("paths", {}).values():
                for operation in path_item.values():
                    secured = operation.get("security") != []
                    responses = operation.get("responses", {})
                    own = {code: r.get("description", "") for code, r in responses.items() if code[0] in "45"}
                    _document_errors(operation, secured, extra=own)
            for unused in ("HTTPValidationError", "ValidationError"):
                schemas.pop(unused, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
