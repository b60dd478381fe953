"""Items CRUD, validation, cursor pagination, filters and ownership on the embedded SQLite database."""

from __future__ import annotations

import pytest


@pytest.fixture
def editor(auth_header):
    return auth_header(sub="alice", roles=["editor"])


async def _create(client, headers, **body):
    body.setdefault("price", "9.99")
    response = await client.post("/items", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_read_update_delete(client, editor):
    created = await _create(
        client, editor, name="  Desk lamp ", description="warm light", price="24.50", tags=["Home", "light", "home"]
    )
    assert created["name"] == "Desk lamp"
    assert created["tags"] == ["home", "light"]
    assert created["owner"] == "alice"
    assert created["price"] == "24.50"
    item_id = created["id"]

    read = await client.get(f"/items/{item_id}", headers=editor)
    assert read.status_code == 200
    assert read.json() == created

    patched = await client.patch(f"/items/{item_id}", json={"price": "19.00", "description": None}, headers=editor)
    assert patched.status_code == 200, patched.text
    assert patched.json()["price"] == "19.00"
    assert patched.json()["description"] is None
    assert patched.json()["name"] == "Desk lamp"

    assert (await client.get(f"/items/{item_id}", headers=editor)).json()["price"] == "19.00"

    assert (await client.delete(f"/items/{item_id}", headers=editor)).status_code == 204
    gone = await client.get(f"/items/{item_id}", headers=editor)
    assert gone.status_code == 404
    assert gone.headers["content-type"] == "application/problem+json"
    assert gone.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": f"Item {item_id} does not exist.",
        "instance": f"/items/{item_id}",
    }


async def test_create_returns_location(client, editor):
    response = await client.post("/items", json={"name": "a", "price": 1}, headers=editor)
    assert response.headers["location"] == f"/items/{response.json()['id']}"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"price": "1"}, "name"),
        ({"name": "", "price": "1"}, "name"),
        ({"name": "x", "price": "-1"}, "price"),
        ({"name": "x", "price": "1.234"}, "price"),
        ({"name": "x", "price": "1", "tags": ["bad tag!"]}, "tags"),
        ({"name": "x", "price": "1", "owner": "someone-else"}, "owner"),
    ],
)
async def test_invalid_bodies_are_422_problems(client, editor, body, field):
    response = await client.post("/items", json=body, headers=editor)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert any(field in err["loc"] for err in problem["errors"]), problem
    assert all(set(err) == {"loc", "msg", "type"} for err in problem["errors"])  # no echoed input


async def test_patch_cannot_null_required_fields(client, editor):
    item = await _create(client, editor, name="x")
    response = await client.patch(f"/items/{item['id']}", json={"name": None}, headers=editor)
    assert response.status_code == 422


async def test_only_owner_or_admin_may_modify(client, auth_header):
    alice = auth_header(sub="alice", roles=["editor"])
    item = await _create(client, alice, name="alice's")
    bob = auth_header(sub="bob", roles=["editor"])
    assert (await client.patch(f"/items/{item['id']}", json={"name": "mine"}, headers=bob)).status_code == 403
    assert (await client.delete(f"/items/{item['id']}", headers=bob)).status_code == 403
    admin = auth_header(sub="root", roles=["admin"])
    assert (await client.patch(f"/items/{item['id']}", json={"name": "moderated"}, headers=admin)).status_code == 200
    assert (await client.delete(f"/items/{item['id']}", headers=admin)).status_code == 204


async def test_readers_need_a_token_and_writers_a_role(client, auth_header):
    reader = auth_header(sub="r", roles=[])
    assert (await client.get("/items", headers=reader)).status_code == 200
    assert (await client.post("/items", json={"name": "x", "price": 1}, headers=reader)).status_code == 403


async def test_cursor_pagination_walks_every_item_once(client, editor):
    ids = [(await _create(client, editor, name=f"item {i}"))["id"] for i in range(7)]
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/items", params=params, headers=editor)).json()
        pages += 1
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids
    assert pages == 3


async def test_tampered_cursor_is_400(client, editor):
    for i in range(3):
        await _create(client, editor, name=f"i{i}")
    cursor = (await client.get("/items", params={"limit": 1}, headers=editor)).json()["next_cursor"]
    forged = cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")
    response = await client.get("/items", params={"cursor": forged}, headers=editor)
    assert response.status_code == 400
    assert response.json()["title"] == "Invalid cursor"


async def test_limit_bounds(client, editor):
    assert (await client.get("/items", params={"limit": 0}, headers=editor)).status_code == 422
    assert (await client.get("/items", params={"limit": 101}, headers=editor)).status_code == 422


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def database_overrides(request):
    """SQLite (SQLAlchemy's queries, app/items/repository.py) or the real PostgreSQL (asyncpg's, app/items/store.py)."""
    return {"database_url": request.getfixturevalue("pg_database")} if request.param == "postgresql" else {}


@pytest.fixture
async def any_db_client(database_overrides, client_factory):
    async with client_factory(**database_overrides) as c:
        yield c


async def test_filters(any_db_client, auth_header):
    client = any_db_client
    alice = auth_header(sub="alice", roles=["editor"])
    bob = auth_header(sub="bob", roles=["editor"])
    await _create(client, alice, name="Red chair", price="50.00", tags=["furniture", "red"])
    await _create(client, alice, name="Blue chair", price="70.00", tags=["furniture"])
    await _create(client, bob, name="Red_pen 100%", price="2.00", tags=["office", "red"])

    async def names(**params):
        response = await client.get("/items", params=params, headers=alice)
        assert response.status_code == 200, response.text
        return sorted(item["name"] for item in response.json()["items"])

    assert await names(owner="bob") == ["Red_pen 100%"]
    assert await names(tag="red") == ["Red chair", "Red_pen 100%"]
    assert await names(tag="RED") == ["Red chair", "Red_pen 100%"]
    assert await names(q="CHAIR") == ["Blue chair", "Red chair"]
    assert await names(q="100%") == ["Red_pen 100%"]
    assert await names(q="d_p") == ["Red_pen 100%"]  # `_` is literal, not a wildcard
    assert await names(q="%") == ["Red_pen 100%"]
    assert await names(min_price="10", max_price="60") == ["Red chair"]
    assert await names(tag="furniture", owner="alice", max_price="60") == ["Red chair"]


async def test_local_cache_serves_reads_and_is_invalidated_on_write(client, editor):
    item = await _create(client, editor, name="cached")
    first = await client.get(f"/items/{item['id']}", headers=editor)
    second = await client.get(f"/items/{item['id']}", headers=editor)
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
    await client.patch(f"/items/{item['id']}", json={"name": "renamed"}, headers=editor)
    third = await client.get(f"/items/{item['id']}", headers=editor)
    assert third.headers["x-cache"] == "miss"
    assert third.json()["name"] == "renamed"


async def test_timestamps_are_utc_aware(client, editor):
    item = await _create(client, editor, name="clock")
    assert item["created_at"].endswith("Z") or item["created_at"].endswith("+00:00")


async def test_hot_read_path_matches_the_documented_route(client, editor):
    """GET /items/{id} is served by a HotRoute; malformed ids fall through to FastAPI's 422."""
    item = await _create(client, editor, name="hot")
    response = await client.get(f"/items/{item['id']}", headers=editor)
    assert response.status_code == 200 and response.json() == item
    assert response.headers["ratelimit-limit"] == "100"
    bad = await client.get("/items/not-a-number", headers=editor)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["path", "item_id"]
    assert (await client.get(f"/items/{item['id']}")).status_code == 401
    metrics = (await client.get("/metrics")).text
    assert 'http_requests_total{method="GET",route="/items/{item_id}",status="200"} 1.0' in metrics
    schema = (await client.get("/openapi.json")).json()
    assert "get" in schema["paths"]["/items/{item_id}"]
    assert "/items/{item_id:int}" not in schema["paths"]
