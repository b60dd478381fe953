"""Search of items: OpenSearch where the platform provides it, a database fallback elsewhere.

Off by default (`SEARCH_ENABLED=true` turns it on). No OpenSearch server runs on a developer
machine or in the service's CI, so the OpenSearch path is covered by unit tests of the request
bodies it sends; the fallback runs for real against PostgreSQL and SQLite. See README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from app.core.log import get_logger
from app.features.search.query import ItemSearch, SearchPage, build_search_body
from app.features.search.settings import SearchSettings

__all__ = ["ItemSearch", "SearchPage", "SearchSettings", "build_search_body", "install"]
_log = get_logger("app.features.search")


@dataclass
class SearchState:
    settings: SearchSettings
    backend: Any
    indexer: Any


def install(app: FastAPI, settings: Any) -> bool:
    """Expose `app.state.search` and the `/search` routes when SEARCH_ENABLED=true; False (not
    installed, not listed in `app.state.features`) otherwise."""
    search_settings = SearchSettings()
    if not search_settings.enabled:
        _log.info("search_disabled", hint="set SEARCH_ENABLED=true to mount /search")
        return False
    from prometheus_client import Counter

    from app.features.search.indexing import ItemIndexer
    from app.features.search.router import router

    backend: Any
    if search_settings.resolved_backend() == "opensearch":
        if not search_settings.url:
            raise ValueError("SEARCH_BACKEND=opensearch needs SEARCH_URL")
        from app.features.search.opensearch import OpenSearchSearch

        backend = OpenSearchSearch.from_settings(search_settings, service_name=settings.service_name)
        app.state.lifecycle.on_startup(backend.ensure_index)
    else:
        from app.features.search.database import DatabaseSearch

        backend = DatabaseSearch(app.state.db)
    failures = Counter("search_index_failures_total", "Item index updates that failed.", registry=app.state.metrics.registry)
    indexer = ItemIndexer(backend, failures=failures)
    indexer.attach(app.state.db.engine)
    app.state.search = SearchState(search_settings, backend, indexer)
    app.include_router(router)
    app.state.readiness.register("search", backend.ping, critical=False)  # items still work without it
    app.state.lifecycle.on_shutdown(backend.close)
    app.state.lifecycle.on_shutdown(indexer.drain)  # runs before close (reverse order)
    return True
