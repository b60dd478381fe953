"""Items in OpenSearch through opensearch-py (its sync client, run in a thread: no aiohttp needed)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from functools import partial
from typing import Any

from app.features.search.query import ITEMS_MAPPING, ItemSearch, SearchPage, build_search_body


class OpenSearchSearch:
    name = "opensearch"

    def __init__(self, client: Any, *, index: str) -> None:
        self._client = client
        self.index = index

    @classmethod
    def from_settings(cls, search_settings: Any, *, service_name: str) -> OpenSearchSearch:
        from opensearchpy import OpenSearch, RequestsHttpConnection

        kwargs: dict[str, Any] = {
            "hosts": [search_settings.url],
            "timeout": search_settings.timeout_seconds,
            "verify_certs": search_settings.verify_certs,
            "max_retries": 2,
            "retry_on_timeout": True,
        }
        if search_settings.aws_sigv4:
            import boto3
            from opensearchpy import AWSV4SignerAuth

            credentials = boto3.Session().get_credentials()
            kwargs["http_auth"] = AWSV4SignerAuth(credentials, search_settings.region, "es")
            kwargs["connection_class"] = RequestsHttpConnection
        elif search_settings.username and search_settings.password:
            kwargs["http_auth"] = (search_settings.username, search_settings.password.get_secret_value())
        return cls(OpenSearch(**kwargs), index=search_settings.resolved_index(service_name))

    async def _call(self, fn: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(partial(fn, **kwargs))

    async def ensure_index(self) -> None:
        if not await self._call(self._client.indices.exists, index=self.index):
            await self._call(self._client.indices.create, index=self.index, body=ITEMS_MAPPING)

    async def search(self, search: ItemSearch) -> SearchPage:
        response = await self._call(self._client.search, index=self.index, body=build_search_body(search))
        hits = response["hits"]
        total = hits["total"]["value"] if isinstance(hits["total"], dict) else int(hits["total"])
        items = [{**hit["_source"], "_score": hit.get("_score"), "_highlight": hit.get("highlight", {})} for hit in hits["hits"]]
        return SearchPage(items, total, search.page, search.size, self.name)

    async def index_item(self, document: dict[str, Any]) -> None:
        await self._call(self._client.index, index=self.index, id=str(document["id"]), body=document)

    async def delete_item(self, item_id: int) -> None:
        from opensearchpy.exceptions import NotFoundError

        try:
            await self._call(self._client.delete, index=self.index, id=str(item_id))
        except NotFoundError:
            pass  # already gone: deleting is idempotent

    async def bulk_index(self, documents: Iterable[dict[str, Any]]) -> int:
        from opensearchpy.helpers import bulk

        actions = [{"_index": self.index, "_id": str(d["id"]), "_source": d} for d in documents]
        indexed, _ = await asyncio.to_thread(bulk, self._client, actions)
        return int(indexed)

    async def ping(self) -> None:
        health = await self._call(self._client.cluster.health, index=self.index)
        if health.get("status") == "red":
            raise RuntimeError(f"OpenSearch index {self.index} is red")

    async def close(self) -> None:
        await asyncio.to_thread(self._client.close)
