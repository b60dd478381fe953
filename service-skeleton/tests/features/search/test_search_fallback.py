"""The database fallback for real (SQLite and PostgreSQL), and the index hooks on item changes."""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from app.api.services import services
from app.features.search.state import SearchState
from app.items.models import Item


@pytest.fixture(params=["sqlite", "postgresql"])
def search_database(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Settings overrides: the per-test SQLite file, or a fresh database on the real PostgreSQL."""
    if request.param == "postgresql":
        return {"database_url": request.getfixturevalue("pg_database")}
    return {}


@pytest.fixture
async def search_client(
    search_database: dict[str, Any], client_factory: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Any]:
    monkeypatch.setenv("SEARCH_ENABLED", "true")
    async with client_factory(features=["search"], **search_database) as client:
        yield client


async def _create(client: Any, headers: dict[str, str], **item: Any) -> dict[str, Any]:
    response = await client.post("/items", json=item, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_fallback_search_filters_and_pages(search_client: Any, auth_header: Callable[..., dict[str, str]]) -> None:
    editor = auth_header(sub="alice", roles=["editor"])
    bob = auth_header(sub="bob", roles=["editor"])
    await _create(search_client, editor, name="Desk Lamp", description="Warm light", price="25.00", tags=["office"])
    await _create(search_client, editor, name="Floor lamp", price="80.00", tags=["home"])
    await _create(search_client, bob, name="Standing desk", description="with a LAMP hook", price="300.00", tags=["office"])
    await _create(search_client, bob, name="100% cotton rug", price="40.00", tags=["home"])

    async def search(**params: Any) -> dict[str, Any]:
        response = await search_client.get("/search/items", params=params, headers=editor)
        assert response.status_code == 200, response.text
        return response.json()

    lamp = await search(q="LAMP")
    assert lamp["backend"] == "database" and lamp["total"] == 3  # case-insensitive, name or description
    assert [i["name"] for i in (await search(q="desk lamp"))["items"]] == ["Desk Lamp", "Standing desk"]  # every word
    assert [i["name"] for i in (await search(q="lamp", tag="office", owner="bob"))["items"]] == ["Standing desk"]
    assert [i["name"] for i in (await search(min_price="30", max_price="100"))["items"]] == ["Floor lamp", "100% cotton rug"]
    assert [i["name"] for i in (await search(q="%"))["items"]] == ["100% cotton rug"]  # LIKE wildcards are literal
    second = await search(q="lamp", size=2, page=2)
    assert second["total"] == 3 and [i["name"] for i in second["items"]] == ["Standing desk"]


async def test_search_needs_a_user_and_rejects_deep_pages(search_client: Any, auth_header: Callable[..., dict[str, str]]) -> None:
    assert (await search_client.get("/search/items?q=x")).status_code == 401
    deep = await search_client.get("/search/items", params={"page": 101, "size": 100}, headers=auth_header())
    assert deep.status_code == 422 and "beyond" in deep.json()["detail"]
    reindex = await search_client.post("/search/reindex", headers=auth_header(roles=["admin"]))
    assert reindex.status_code == 409  # the database fallback has no index


class RecordingBackend:
    def __init__(self) -> None:
        self.indexed: list[dict[str, Any]] = []
        self.deleted: list[int] = []
        self.bulk: list[dict[str, Any]] = []

    async def index_item(self, document: dict[str, Any]) -> None:
        self.indexed.append(document)

    async def delete_item(self, item_id: int) -> None:
        self.deleted.append(item_id)

    async def ensure_index(self) -> None:
        return None

    async def bulk_index(self, documents: list[dict[str, Any]]) -> int:
        self.bulk.extend(documents)
        return len(documents)


async def test_item_changes_reach_the_index_after_commit(
    search_database: dict[str, Any],
    client_factory: Callable[..., Any],
    auth_header: Callable[..., dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On SQLite every write goes through the ORM's session events; on PostgreSQL a create is
    asyncpg's INSERT (ItemStore.on_created_without_orm) and the rest the ORM's."""
    monkeypatch.setenv("SEARCH_ENABLED", "true")
    editor = auth_header(sub="alice", roles=["editor"])
    async with client_factory(features=["search"], **search_database) as client:
        state = services(client.app).get(SearchState)
        fake = RecordingBackend()
        state.indexer.backend = fake
        created = await _create(client, editor, name="Lamp", price="10.00", tags=["office"])
        await client.patch(f"/items/{created['id']}", json={"name": "Brass lamp"}, headers=editor)
        await state.indexer.drain()
        assert [d["name"] for d in fake.indexed] == ["Lamp", "Brass lamp"]
        assert fake.indexed[-1]["tags"] == ["office"] and fake.indexed[-1]["price"] == 10.0
        assert (await client.delete(f"/items/{created['id']}", headers=editor)).status_code == 204
        await state.indexer.drain()
        assert fake.deleted == [created["id"]]

        # A rolled-back transaction never reaches the index.
        async with services(client.app).db.session() as session:
            session.add(Item(name="ghost", price=1, tags=[], owner="alice"))
            await session.flush()
            await session.rollback()
        await state.indexer.drain()
        assert [d["name"] for d in fake.indexed] == ["Lamp", "Brass lamp"]

        # Reindex rebuilds from the table (here through the recording backend's bulk API).
        state.backend = fake
        await _create(client, editor, name="Chair", price="50.00")
        response = await client.post("/search/reindex", headers=auth_header(roles=["admin"]))
        assert response.status_code == 202 and response.json() == {"indexed": 1}
        assert [d["name"] for d in fake.bulk] == ["Chair"]


async def test_search_is_off_unless_enabled(
    client_factory: Callable[..., Any], auth_header: Callable[..., dict[str, str]]
) -> None:
    async with client_factory(features=["search"]) as client:
        assert (await client.get("/search/items", headers=auth_header())).status_code == 404
        with pytest.raises(LookupError):
            services(client.app).get(SearchState)


def test_search_disabled_is_not_listed(app_factory: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """SEARCH_ENABLED=false: neither `services(app).features` (nor the startup log that prints it)
    names search, and no /search route is mounted."""
    monkeypatch.setenv("SEARCH_ENABLED", "false")
    app = app_factory(features=["search"])
    assert services(app).features == []
    assert not any(getattr(route, "path", "").startswith("/search") for route in app.routes)


async def test_invalid_tokens_are_counted_on_search(client_factory: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """`rate_limit` (for routes that authorize by other means) counts an invalid token, as Guard does."""
    monkeypatch.setenv("SEARCH_ENABLED", "true")
    forged = {"Authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2ln"}
    async with client_factory(features=["search"], rate_limits={"default": "2/minute"}) as client:
        codes = [(await client.get("/search/items", headers=forged)).status_code for _ in range(3)]
    assert codes == [401, 401, 429]


@pytest.mark.parametrize(
    "params",
    [{"min_price": "1e10"}, {"max_price": "1e308"}, {"min_price": "0.001"}, {"q": "a\x00b"}, {"owner": "\x00"}, {"tag": "x\x00"}],
)
async def test_search_filters_the_database_cannot_hold_are_422(
    params: dict[str, str],
    pg_database: str,
    client_factory: Callable[..., Any],
    auth_header: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Against real PostgreSQL, where each once made a 500: refused at the edge with the problem body."""
    monkeypatch.setenv("SEARCH_ENABLED", "true")
    async with client_factory(features=["search"], database_url=pg_database) as client:
        response = await client.get("/search/items", params=params, headers=auth_header(sub="alice"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
