"""`Routes`: the one way this service declares routes (an APIRouter per domain, decorators), and
`include(app, routes)`, which puts them on the app itself.

Why not `app.include_router`: FastAPI (0.165) keeps an included router as a branch that is
resolved on every request that reaches it, which cost 5-10 µs a request in a measurement with
these routes (the same endpoint added with `app.add_api_route` did not). So a `Routes` remembers
each operation as it is declared and `include` declares it again on the app's own router, with the
prefix, tags and dependencies of the `Routes` added, as older FastAPI's `include_router` did.
The operations keep their names, paths and OpenAPI documents; `dependency_overrides` reach them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from enum import Enum
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI, params
from starlette.requests import Request
from starlette.responses import Response

from app.api.hot_route import HotRoute

HotEndpoint = TypeVar("HotEndpoint", bound=Callable[[Request], Awaitable[Response]])


class Routes(APIRouter):
    """An APIRouter whose operations `include` adds to the app itself; `@routes.hot(...)` declares
    a `HotRoute` (see app.api.hot_route) that `include` puts in front of every other route."""

    def __init__(
        self,
        *,
        prefix: str = "",
        tags: list[str | Enum] | None = None,
        dependencies: Sequence[params.Depends] | None = None,
    ) -> None:
        super().__init__(prefix=prefix, tags=tags, dependencies=dependencies)
        self.operations: list[tuple[str, Callable[..., Any], dict[str, Any]]] = []
        self.hot_routes: list[HotRoute] = []

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:  # type: ignore[override]
        # Every decorator (@routes.get, .post, …) ends here: remember the call as it was made.
        self.operations.append((path, endpoint, options))
        super().add_api_route(path, endpoint, **options)

    def hot(self, path: str, *, name: str, methods: Sequence[str] = ("GET",)) -> Callable[[HotEndpoint], HotEndpoint]:
        """Serve `path` with a plain `async (request) -> Response` function, tried before every
        other route; the ordinary operation of the same path stays for OpenAPI and fall-through."""

        def register(endpoint: HotEndpoint) -> HotEndpoint:
            self.hot_routes.append(HotRoute(self.prefix + path, endpoint, name=name, methods=list(methods)))
            return endpoint

        return register


def include(app: FastAPI, routes: Routes) -> None:
    """Add the operations of `routes` to the app's own router, in order; its hot routes first:
    routes are tried in order, and each APIRoute tried costs a few microseconds."""
    for hot in routes.hot_routes:
        app.router.routes.insert(0, hot)
    for path, endpoint, options in routes.operations:
        app.router.add_api_route(
            routes.prefix + path,
            endpoint,
            **{
                **options,
                "tags": [*routes.tags, *(options.get("tags") or ())],
                "dependencies": [*routes.dependencies, *(options.get("dependencies") or ())],
            },
        )
