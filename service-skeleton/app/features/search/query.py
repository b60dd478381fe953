"""Search requests for items, and the OpenSearch request body they become (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# Relevance weights: a hit in the name matters most, then tags, then the description.
SEARCH_FIELDS = ("name^3", "tags^2", "description")

ITEMS_MAPPING: dict[str, Any] = {
    "settings": {"index": {"number_of_shards": 1}},
    "mappings": {
        "dynamic": "strict",
        "properties": {
            "id": {"type": "long"},
            "name": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}},
            "description": {"type": "text"},
            "tags": {"type": "keyword"},
            "owner": {"type": "keyword"},
            "price": {"type": "scaled_float", "scaling_factor": 100},
            "created_at": {"type": "date"},
            "updated_at": {"type": "date"},
        },
    },
}


class InvalidSearch(ValueError):
    """A request no backend can answer (e.g. a page beyond the result window)."""


@dataclass(frozen=True, slots=True)
class ItemSearch:
    q: str | None = None
    owner: str | None = None
    tags: tuple[str, ...] = ()
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    page: int = 1
    size: int = 20

    def validate(self, *, max_result_window: int) -> None:
        if self.page < 1 or self.size < 1:
            raise InvalidSearch("page and size start at 1")
        if self.page * self.size > max_result_window:
            raise InvalidSearch(
                f"page {self.page} of size {self.size} is beyond the first {max_result_window} results: narrow the query"
            )
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise InvalidSearch("min_price is above max_price")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


@dataclass(frozen=True, slots=True)
class SearchPage:
    items: list[dict[str, Any]]
    total: int
    page: int
    size: int
    backend: str
    extra: dict[str, Any] = field(default_factory=dict)


def build_search_body(search: ItemSearch) -> dict[str, Any]:
    """The `_search` body: full text in `must` (scored), everything else in `filter` (cached, unscored)."""
    must: list[dict[str, Any]]
    if search.q and search.q.strip():
        must = [
            {
                "multi_match": {
                    "query": search.q.strip(),
                    "fields": list(SEARCH_FIELDS),
                    "type": "best_fields",
                    "operator": "and",
                    "fuzziness": "AUTO",
                }
            }
        ]
    else:
        must = [{"match_all": {}}]
    filters: list[dict[str, Any]] = []
    if search.owner:
        filters.append({"term": {"owner": search.owner}})
    for tag in search.tags:  # every tag must be present
        filters.append({"term": {"tags": tag}})
    price: dict[str, float] = {}
    if search.min_price is not None:
        price["gte"] = float(search.min_price)
    if search.max_price is not None:
        price["lte"] = float(search.max_price)
    if price:
        filters.append({"range": {"price": price}})
    return {
        "query": {"bool": {"must": must, "filter": filters}},
        "from": search.offset,
        "size": search.size,
        "sort": ["_score", {"id": "asc"}],  # id breaks ties: stable pages
        "track_total_hits": True,
        "highlight": {"fields": {"name": {}, "description": {}}},
    }


def item_document(item: Any) -> dict[str, Any]:
    """The indexed form of an `app.items.models.Item` (or a mapping with the same keys)."""
    get = item.get if isinstance(item, dict) else lambda key: getattr(item, key, None)
    price = get("price")
    doc: dict[str, Any] = {
        "id": get("id"),
        "name": get("name"),
        "description": get("description"),
        "tags": list(get("tags") or []),
        "owner": get("owner"),
        "price": float(price) if price is not None else None,
    }
    for key in ("created_at", "updated_at"):
        value = get(key)
        if value is not None:
            doc[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return doc
