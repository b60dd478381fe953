"""Item queries: keyset pagination by id and filters, portable across PostgreSQL and SQLite."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, exists, func, literal_column, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from app.items.models import Item


@dataclass(frozen=True, slots=True)
class ItemFilter:
    owner: str | None = None
    tag: str | None = None
    q: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None


def escape_like(text: str) -> str:
    """`text` as a LIKE pattern's literal part (with ESCAPE '\\'): %, _ and \\ match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(stmt: Select[Any], flt: ItemFilter, dialect: str) -> Select[Any]:
    if flt.owner is not None:
        stmt = stmt.where(Item.owner == flt.owner)
    if flt.q:
        stmt = stmt.where(func.lower(Item.name).like(f"%{escape_like(flt.q.lower())}%", escape="\\"))
    if flt.min_price is not None:
        stmt = stmt.where(Item.price >= flt.min_price)
    if flt.max_price is not None:
        stmt = stmt.where(Item.price <= flt.max_price)
    if flt.tag is not None:
        if dialect == "postgresql":
            # JSONB @> (served by the GIN index); type_coerce adds no CAST that would hide the index.
            stmt = stmt.where(type_coerce(Item.tags, JSONB).contains([flt.tag]))
        else:
            each = func.json_each(Item.tags).table_valued("value")
            stmt = stmt.where(exists(select(literal_column("1")).select_from(each).where(each.c.value == flt.tag)))
    return stmt


async def list_items(
    session: AsyncSession, flt: ItemFilter, *, after_id: int | None, limit: int, dialect: str
) -> tuple[list[Item], bool]:
    """One page ordered by id, plus whether another page follows."""
    stmt = _filtered(select(Item), flt, dialect)
    if after_id is not None:
        stmt = stmt.where(Item.id > after_id)
    rows = (await session.scalars(stmt.order_by(Item.id).limit(limit + 1))).all()
    return list(rows[:limit]), len(rows) > limit


async def get_item(session: AsyncSession, item_id: int) -> Item | None:
    return await session.get(Item, item_id)
