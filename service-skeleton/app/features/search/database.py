"""The database fallback: case-insensitive substring search over `items` (ILIKE on PostgreSQL,
lower() LIKE lower() on SQLite). Good for development and small tables; no relevance ranking."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal_column, or_, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB

from app.features.search.query import ItemSearch, SearchPage, item_document
from app.items.models import Item
from app.items.repository import escape_like


def _has_tag(tag: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "postgresql":
        # The column is declared JSON (with a JSONB variant): coerce, or `.contains` becomes a LIKE.
        return type_coerce(Item.tags, JSONB).contains([tag])  # JSONB @>, served by a GIN index
    each = func.json_each(Item.tags).table_valued("value")
    return exists(select(literal_column("1")).select_from(each).where(each.c.value == tag))


def build_statement(search: ItemSearch, dialect: str) -> Select[Any]:
    """Every word of `q` must appear in the name or the description; filters as in OpenSearch."""
    stmt = select(Item)
    if search.q:
        words = [w for w in search.q.split() if w]
        stmt = stmt.where(
            and_(
                *(
                    or_(
                        Item.name.ilike(f"%{escape_like(word)}%", escape="\\"),
                        Item.description.ilike(f"%{escape_like(word)}%", escape="\\"),
                    )
                    for word in words
                )
            )
        )
    if search.owner:
        stmt = stmt.where(Item.owner == search.owner)
    for tag in search.tags:
        stmt = stmt.where(_has_tag(tag, dialect))
    if search.min_price is not None:
        stmt = stmt.where(Item.price >= search.min_price)
    if search.max_price is not None:
        stmt = stmt.where(Item.price <= search.max_price)
    return stmt


class DatabaseSearch:
    name = "database"

    def __init__(self, db: Any) -> None:
        self._db = db

    async def search(self, search: ItemSearch) -> SearchPage:
        stmt = build_statement(search, self._db.dialect)
        async with self._db.session() as session:
            total = int(await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)
            rows = (await session.scalars(stmt.order_by(Item.id).offset(search.offset).limit(search.size))).all()
        return SearchPage([item_document(row) for row in rows], total, search.page, search.size, self.name)

    # The table is the source of truth: nothing to index.
    async def index_item(self, document: dict[str, Any]) -> None:
        return None

    async def delete_item(self, item_id: int) -> None:
        return None

    async def ping(self) -> None:
        await self._db.ping()

    async def close(self) -> None:
        return None
