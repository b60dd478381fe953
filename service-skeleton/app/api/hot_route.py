"""`HotRoute`: serve one latency-critical endpoint as a plain Starlette route.

FastAPI solves an endpoint's parameters and dependencies on every request; for the cache-hit
`GET /items/{id}` that machinery costs more than the rest of the request (bench/service, server
CPU per request: ~170 µs through the APIRoute, ~93 µs through this route; 0.42x instead of 0.63x
of a bare FastAPI endpoint). A HotRoute calls a plain `async (request) -> Response` function instead. It is registered in
front of the ordinary APIRoute of the same path, which stays for OpenAPI and for the requests
the HotRoute does not match: its path uses a typed convertor (`{item_id:int}`), so a malformed
id falls through to FastAPI and gets the usual 422 problem. Use it for a hot read path only;
declare it with `@routes.hot(...)` (app.api.routing).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Scope

_CONVERTOR = re.compile(r"{(\w+):\w+}")


class HotRoute(Route):
    def __init__(self, path: str, endpoint: Callable[[Request], Awaitable[Response]], *, name: str, methods: list[str]) -> None:
        super().__init__(path, endpoint, methods=methods, name=name, include_in_schema=False)
        # The template the APIRoute reports (metrics label, logs): without the convertor.
        self.path = _CONVERTOR.sub(r"{\1}", path)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is not Match.NONE:
            child_scope["route"] = self  # rate-limit key by route name, metrics by template
        return match, child_scope
