"""Keeps the search index in step with the items table, without the core importing search.

The core has no domain-event hook, so this listens to SQLAlchemy session events: changed `Item`
rows are collected at flush and sent to the index after the commit (never for a rolled-back
transaction). One listener per process dispatches by engine, so two apps never see each other's
rows. Indexing is best effort: a failure is logged and counted, and `POST /search/reindex`
rebuilds the index from the table.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.core.log import get_logger
from app.features.search.query import item_document
from app.items.models import Item

_log = get_logger("app.features.search.indexing")
_PENDING = "search.pending"
_BY_ENGINE: weakref.WeakKeyDictionary[Engine, ItemIndexer] = weakref.WeakKeyDictionary()
_listening = False


def _snapshot(item: Item) -> dict[str, Any]:
    # Only loaded attributes: touching an expired one would do I/O inside the flush.
    return item_document(dict(inspect(item).dict))


def _after_flush(session: Session, _: Any) -> None:
    indexer = _BY_ENGINE.get(getattr(session.get_bind(), "engine", None))  # type: ignore[arg-type]
    if indexer is None:
        return
    pending: dict[int, dict[str, Any] | None] = session.info.setdefault(_PENDING, {})
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Item) and obj.id is not None:
            pending[obj.id] = _snapshot(obj)
    for obj in session.deleted:
        if isinstance(obj, Item) and obj.id is not None:
            pending[obj.id] = None


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    indexer = _BY_ENGINE.get(getattr(session.get_bind(), "engine", None))  # type: ignore[arg-type]
    if indexer is not None:
        indexer.schedule(pending)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


class ItemIndexer:
    def __init__(self, backend: Any, *, failures: Any = None) -> None:
        self.backend = backend
        self._failures = failures
        self._tasks: set[asyncio.Task[None]] = set()

    def attach(self, engine: Any) -> None:
        """Listen to sessions bound to `engine` (an AsyncEngine or Engine)."""
        global _listening
        _BY_ENGINE[getattr(engine, "sync_engine", engine)] = self
        if not _listening:
            event.listen(Session, "after_flush", _after_flush)
            event.listen(Session, "after_commit", _after_commit)
            event.listen(Session, "after_rollback", _after_rollback)
            _listening = True

    def created(self, fields: Mapping[str, Any]) -> None:
        """An item created outside the ORM (`ItemStore.on_created_without_orm`): index it."""
        self.schedule({fields["id"]: item_document(dict(fields))})

    def schedule(self, pending: dict[int, dict[str, Any] | None]) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            _log.warning("search_index_skipped", reason="no running event loop", items=list(pending))
            return
        task = loop.create_task(self.apply(pending))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def apply(self, pending: dict[int, dict[str, Any] | None]) -> None:
        for item_id, document in pending.items():
            try:
                if document is None:
                    await self.backend.delete_item(item_id)
                else:
                    await self.backend.index_item(document)
            except Exception as exc:  # noqa: BLE001 - best effort; reindex repairs
                if self._failures is not None:
                    self._failures.inc()
                _log.warning("search_index_failed", item_id=item_id, error=repr(exc))

    async def drain(self) -> None:
        """Wait for index updates in flight (shutdown, tests)."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
