"""One routing style: `Routes` per domain, put on the app itself by `include`."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute

from app.api.hot_route import HotRoute
from app.api.routing import Routes, include
from service_testing import running


def _who() -> str:
    return "real"


async def test_include_puts_every_operation_on_the_app_itself_with_the_router_options():
    seen: list[str] = []

    def mark() -> None:
        seen.append("router dependency")

    routes = Routes(prefix="/things", tags=["things"], dependencies=[Depends(mark)])

    @routes.get("/{thing_id}", name="things.get", tags=["extra"])
    async def get_thing(thing_id: int, who: str = Depends(_who)) -> dict[str, object]:
        return {"id": thing_id, "who": who}

    app = FastAPI()
    app.add_api_route("/first", lambda: None)
    include(app, routes)
    route = app.router.routes[-1]
    assert isinstance(route, APIRoute) and route.path == "/things/{thing_id}" and route.name == "things.get"
    assert route.tags == ["things", "extra"]
    app.dependency_overrides[_who] = lambda: "override"  # reaches it: the app's own router built it
    async with running(app) as client:
        assert (await client.get("/things/3")).json() == {"id": 3, "who": "override"}
    assert seen == ["router dependency"]


def test_hot_routes_go_in_front_of_every_route():
    routes = Routes(prefix="/things")

    @routes.hot("/{thing_id:int}", name="things.get")
    async def hot(request):  # pragma: no cover - only registered
        raise AssertionError

    app = FastAPI()
    include(app, routes)
    first = app.router.routes[0]
    assert isinstance(first, HotRoute) and first.path == "/things/{thing_id}" and first.name == "things.get"


def test_the_service_includes_no_router_as_a_branch(app_factory):
    """FastAPI keeps an included router as a branch resolved on each request; the app has none."""
    app = app_factory(features=None)
    assert all(type(route).__name__ != "_IncludedRouter" for route in app.router.routes)
