"""`ItemStore`: read one item, create one, list a page — the items API's hot paths.

On PostgreSQL these are single asyncpg statements in autocommit (`app.core.pg`): the reads by id
of one event-loop iteration are one `SELECT … WHERE id = ANY($1)`, a create is one `INSERT …
RETURNING`, with no BEGIN/COMMIT around them. Elsewhere (SQLite, the local default) they go
through SQLAlchemy (`app.items.repository`). Changes that read before they write (PATCH, DELETE)
stay on SQLAlchemy sessions in both cases.

A write outside the ORM fires no SQLAlchemy session event, so `on_created_without_orm` tells
subscribers (the search feature's indexer) of each item the asyncpg path created, after its
commit; the SQLAlchemy path's creations reach them through the session events as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.core.batching import Batch, IterationBatch
from app.core.db import Database
from app.items.models import Item
from app.items.repository import ItemFilter, escape_like, get_item, list_items
from app.items.schemas import ItemOut

Created = Callable[[Mapping[str, Any]], None]

_COLUMNS = ", ".join(column.name for column in Item.__table__.columns)
_TABLE = Item.__tablename__
GET_MANY_SQL = f"SELECT {_COLUMNS} FROM {_TABLE} WHERE id = ANY($1::bigint[])"
INSERT_SQL = f"INSERT INTO {_TABLE} (name, description, price, tags, owner) VALUES ($1, $2, $3, $4, $5) RETURNING {_COLUMNS}"


def list_sql(flt: ItemFilter, *, after_id: int | None, limit: int) -> tuple[str, list[Any]]:
    """The page query for PostgreSQL and its arguments; the same filters as `repository.list_items`.

    Only the filters given become conditions, so each combination is its own prepared statement
    with its own plan (at most 64), and the tag filter stays `tags @> $n`, which the GIN index serves."""
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    where = []
    if flt.owner is not None:
        where.append(f"owner = {arg(flt.owner)}")
    if flt.q:
        where.append(f"lower(name) LIKE {arg('%' + escape_like(flt.q.lower()) + '%')} ESCAPE '\\'")
    if flt.min_price is not None:
        where.append(f"price >= {arg(flt.min_price)}")
    if flt.max_price is not None:
        where.append(f"price <= {arg(flt.max_price)}")
    if flt.tag is not None:
        where.append(f"tags @> {arg([flt.tag])}")
    if after_id is not None:
        where.append(f"id > {arg(after_id)}")
    condition = f" WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT {_COLUMNS} FROM {_TABLE}{condition} ORDER BY id LIMIT {arg(limit + 1)}", args


class ItemStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._created: list[Created] = []
        self._reads: IterationBatch[int, ItemOut | None] = IterationBatch(self._read)

    def on_created_without_orm(self, subscriber: Created) -> None:
        """Call `subscriber` with the fields (the table's columns) of each item created by asyncpg."""
        self._created.append(subscriber)

    async def get(self, item_id: int) -> ItemOut | None:
        """The item, or None. On PostgreSQL the reads of one event-loop iteration are one statement
        (`id = ANY($1)`), as the rate-limit counts are one Redis call: a round trip costs the app
        more CPU than the rows (a send of about 40 µs on this machine kind), and a batch takes
        one connection where its requests would each have taken one."""
        if self._db.fast is not None:
            return await self._reads.submit(item_id)
        async with self._db.read_session() as session:
            item = await get_item(session, item_id)
        return None if item is None else ItemOut.model_validate(item)

    async def _read(self, batch: Batch[int, ItemOut | None]) -> None:
        async with self._db.fast_connection() as conn:  # an error reaches every request of the batch
            rows = await conn.fetch(GET_MANY_SQL, list({item_id for item_id, _ in batch}))
        items = {row["id"]: ItemOut.model_validate(dict(row)) for row in rows}
        for item_id, found in batch:
            if not found.done():  # done: the request went away (cancelled)
                found.set_result(items.get(item_id))

    async def create(self, fields: Mapping[str, Any], *, owner: str) -> ItemOut:
        """Insert an item of `fields` (an `ItemCreate`'s) owned by `owner`; committed on return."""
        if self._db.fast is not None:
            async with self._db.fast_connection() as conn:
                row = await conn.fetchrow(
                    INSERT_SQL, fields["name"], fields.get("description"), fields["price"], list(fields.get("tags") or []), owner
                )
            assert row is not None  # INSERT … RETURNING returns the row it inserted
            created = dict(row)
            for subscriber in self._created:
                subscriber(created)
            return ItemOut.model_validate(created)
        async with self._db.session() as session:
            item = Item(**fields, owner=owner)
            session.add(item)
            await session.commit()  # INSERT … RETURNING brought back id and server defaults
        return ItemOut.model_validate(item)

    async def page(self, flt: ItemFilter, *, after_id: int | None, limit: int) -> tuple[list[ItemOut], bool]:
        """One page ordered by id, plus whether another page follows."""
        if self._db.fast is None:
            async with self._db.read_session() as session:
                items, more = await list_items(session, flt, after_id=after_id, limit=limit, dialect=self._db.dialect)
            return [ItemOut.model_validate(item) for item in items], more
        sql, args = list_sql(flt, after_id=after_id, limit=limit)  # asks for limit + 1 rows
        async with self._db.fast_connection() as conn:
            rows = await conn.fetch(sql, *args)
        return [ItemOut.model_validate(dict(row)) for row in rows[:limit]], len(rows) > limit
