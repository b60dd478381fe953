"""Hostile but well-formed input against real PostgreSQL: each value once made a 500 (the
database refused it); now the edge refuses it with a 422 problem and the database never sees it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

pytestmark = pytest.mark.integration

TOO_BIG = str(2**63)
NEGATIVE = str(-(2**63) - 1)


@pytest.fixture
async def pg_client(pg_database: str, client_factory: Callable[..., Any]) -> AsyncIterator[Any]:
    async with client_factory(database_url=pg_database) as client:
        yield client


def _assert_422(response: Any) -> None:
    assert response.status_code == 422, (response.status_code, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:problem-type:validation-error"


@pytest.mark.parametrize("item_id", [TOO_BIG, NEGATIVE, "0"])
@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
async def test_ids_outside_bigint_are_422(pg_client, auth_header, method, item_id):
    editor = auth_header(sub="alice", roles=["editor"])
    body = {"json": {"name": "x"}} if method == "PATCH" else {}
    _assert_422(await pg_client.request(method, f"/items/{item_id}", headers=editor, **body))


HOSTILE_FILTERS = [
    {"min_price": "1e10"},
    {"max_price": "1e308"},
    {"min_price": "0.001"},
    {"q": "a\x00b"},
    {"owner": "\x00"},
    {"tag": "x\x00"},
]


@pytest.mark.parametrize("params", HOSTILE_FILTERS)
async def test_filters_the_database_cannot_hold_are_422(pg_client, auth_header, params):
    _assert_422(await pg_client.get("/items", params=params, headers=auth_header(sub="alice")))


@pytest.mark.parametrize(
    "body",
    [
        {"name": "a\x00b", "price": "1.00"},
        {"name": "ok", "description": "\x00", "price": "1.00"},
        {"name": "ok", "price": "10000000000.00"},
    ],
)
async def test_items_the_database_cannot_hold_are_422(pg_client, auth_header, body):
    editor = auth_header(sub="alice", roles=["editor"])
    _assert_422(await pg_client.post("/items", json=body, headers=editor))
    created = await pg_client.post("/items", json={"name": "ok", "price": "1.00"}, headers=editor)
    assert created.status_code == 201
    _assert_422(await pg_client.patch(f"/items/{created.json()['id']}", json=body, headers=editor))
