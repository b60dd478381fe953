"""Search of items: OpenSearch where the platform provides it, a database fallback elsewhere.

Off by default (`SEARCH_ENABLED=true` turns it on). No OpenSearch server runs on a developer
machine or in the service's CI, so the OpenSearch path is covered by unit tests of the request
bodies it sends; the fallback runs for real against PostgreSQL and SQLite. See README.md.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.api.routing import include
from app.api.services import services
from app.core.log import get_logger
from app.features.search.query import ItemSearch, SearchPage, build_search_body
from app.features.search.settings import SearchSettings
from app.features.search.state import SearchState
from app.items.store import ItemStore

__all__ = ["ItemSearch", "SearchPage", "SearchSettings", "build_search_body", "install"]
_log = get_logger("app.features.search")


def install(app: FastAPI, settings: Any) -> bool:
    """Provide a `SearchState` and the `/search` routes when SEARCH_ENABLED=true; False (not
    installed, not listed in `services(app).features`) otherwise."""
    search_settings = SearchSettings()
    if not search_settings.enabled:
        _log.info("search_disabled", hint="set SEARCH_ENABLED=true to mount /search")
        return False
    from prometheus_client import Counter

    from app.features.search.indexing import ItemIndexer
    from app.features.search.router import router

    shared = services(app)
    backend: Any
    if search_settings.resolved_backend() == "opensearch":
        if not search_settings.url:
            raise ValueError("SEARCH_BACKEND=opensearch needs SEARCH_URL")
        from app.features.search.opensearch import OpenSearchSearch

        backend = OpenSearchSearch.from_settings(search_settings, service_name=settings.service_name)
        shared.lifecycle.on_startup(backend.ensure_index)
    else:
        from app.features.search.database import DatabaseSearch

        backend = DatabaseSearch(shared.db)
    failures = Counter("search_index_failures_total", "Item index updates that failed.", registry=shared.metrics.registry)
    indexer = ItemIndexer(backend, failures=failures)
    indexer.attach(shared.db.engine)
    shared.get(ItemStore).on_created_without_orm(indexer.created)
    shared.provide(SearchState(search_settings, backend, indexer))
    include(app, router)
    shared.readiness.register("search", backend.ping, critical=False)  # items still work without it
    shared.lifecycle.on_shutdown(backend.close)
    shared.lifecycle.on_shutdown(indexer.drain)  # runs before close (reverse order)
    return True
