"""The OpenSearch side as units: request bodies, documents, and response parsing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from app.features.search.opensearch import OpenSearchSearch
from app.features.search.query import ITEMS_MAPPING, InvalidSearch, ItemSearch, build_search_body, item_document


def test_full_text_query_with_every_filter_and_pagination() -> None:
    body = build_search_body(
        ItemSearch(
            q="  desk lamp ",
            owner="alice",
            tags=("office", "sale"),
            min_price=Decimal("10"),
            max_price=Decimal("99.5"),
            page=3,
            size=20,
        )
    )
    assert body["query"] == {
        "bool": {
            "must": [
                {
                    "multi_match": {
                        "query": "desk lamp",
                        "fields": ["name^3", "tags^2", "description"],
                        "type": "best_fields",
                        "operator": "and",
                        "fuzziness": "AUTO",
                    }
                }
            ],
            "filter": [
                {"term": {"owner": "alice"}},
                {"term": {"tags": "office"}},
                {"term": {"tags": "sale"}},
                {"range": {"price": {"gte": 10.0, "lte": 99.5}}},
            ],
        }
    }
    assert (body["from"], body["size"]) == (40, 20)
    assert body["sort"] == ["_score", {"id": "asc"}]
    assert body["track_total_hits"] is True


def test_no_text_matches_all_and_filters_stay_unscored() -> None:
    body = build_search_body(ItemSearch(min_price=Decimal("5")))
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["query"]["bool"]["filter"] == [{"range": {"price": {"gte": 5.0}}}]
    assert body["from"] == 0


@pytest.mark.parametrize(
    ("search", "message"),
    [
        (ItemSearch(page=501, size=20), "beyond the first 10000"),
        (ItemSearch(min_price=Decimal(5), max_price=Decimal(1)), "min_price"),
        (ItemSearch(page=0), "start at 1"),
    ],
)
def test_invalid_searches(search: ItemSearch, message: str) -> None:
    with pytest.raises(InvalidSearch, match=message):
        search.validate(max_result_window=10_000)


def test_item_document_matches_the_mapping() -> None:
    doc = item_document(
        {
            "id": 7,
            "name": "Lamp",
            "description": None,
            "tags": ["office"],
            "owner": "bob",
            "price": Decimal("12.50"),
            "created_at": datetime(2026, 1, 2, tzinfo=UTC),
        }
    )
    assert doc == {
        "id": 7,
        "name": "Lamp",
        "description": None,
        "tags": ["office"],
        "owner": "bob",
        "price": 12.5,
        "created_at": "2026-01-02T00:00:00+00:00",
    }
    assert set(doc) <= set(ITEMS_MAPPING["mappings"]["properties"])


class FakeOpenSearch:
    """Records what opensearch-py would send; answers like OpenSearch 2.x."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.indices = self

    def exists(self, **kw: Any) -> bool:
        self.calls.append(("indices.exists", kw))
        return False

    def create(self, **kw: Any) -> dict[str, Any]:
        self.calls.append(("indices.create", kw))
        return {"acknowledged": True}

    def search(self, **kw: Any) -> dict[str, Any]:
        self.calls.append(("search", kw))
        return {
            "hits": {
                "total": {"value": 42, "relation": "eq"},
                "hits": [
                    {
                        "_id": "1",
                        "_score": 2.5,
                        "_source": {"id": 1, "name": "Desk lamp"},
                        "highlight": {"name": ["Desk <em>lamp</em>"]},
                    }
                ],
            }
        }

    def index(self, **kw: Any) -> dict[str, Any]:
        self.calls.append(("index", kw))
        return {"result": "created"}

    def delete(self, **kw: Any) -> dict[str, Any]:
        from opensearchpy.exceptions import NotFoundError

        self.calls.append(("delete", kw))
        raise NotFoundError(404, "not_found", {})


async def test_opensearch_backend_sends_the_built_body_and_parses_hits() -> None:
    client = FakeOpenSearch()
    backend = OpenSearchSearch(client, index="skeleton-items")
    await backend.ensure_index()
    page = await backend.search(ItemSearch(q="lamp", size=5))
    await backend.index_item({"id": 3, "name": "x"})
    await backend.delete_item(3)  # a missing document is not an error

    assert client.calls[1] == ("indices.create", {"index": "skeleton-items", "body": ITEMS_MAPPING})
    assert client.calls[2] == ("search", {"index": "skeleton-items", "body": build_search_body(ItemSearch(q="lamp", size=5))})
    assert client.calls[3] == ("index", {"index": "skeleton-items", "id": "3", "body": {"id": 3, "name": "x"}})
    assert page.total == 42 and page.backend == "opensearch"
    assert page.items == [{"id": 1, "name": "Desk lamp", "_score": 2.5, "_highlight": {"name": ["Desk <em>lamp</em>"]}}]


def test_from_settings_builds_a_client_with_basic_auth() -> None:
    from app.features.search.settings import SearchSettings

    backend = OpenSearchSearch.from_settings(
        SearchSettings(enabled=True, url="https://search.internal:9200", username="svc", password="pw"),
        service_name="skeleton",
    )
    assert backend.index == "skeleton-items"
    connection = backend._client.transport.get_connection()
    assert connection.host == "https://search.internal:9200"
