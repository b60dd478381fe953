"""`GET /search/items` (any user) and `POST /search/reindex` (admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from pydantic import StringConstraints
from sqlalchemy import select

from app.api.deps import CurrentUser
from app.api.guard import rate_limit
from app.api.problems import Problem
from app.api.routing import Routes
from app.api.services import services
from app.auth import Principal, require_roles
from app.features.search.query import InvalidSearch, ItemSearch, item_document
from app.features.search.state import SearchState
from app.items.params import NO_NUL, Owner, PriceFilter, as_price

router = Routes(prefix="/search", tags=["search"])
SearchTag = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=NO_NUL)]


@router.get("/items", name="search.items", dependencies=[Depends(rate_limit)])
async def search_items(
    request: Request,
    _: CurrentUser,
    q: Annotated[str | None, Query(min_length=1, max_length=200, pattern=NO_NUL)] = None,
    owner: Owner = None,
    tag: Annotated[list[SearchTag] | None, Query(max_length=10)] = None,
    min_price: PriceFilter = None,
    max_price: PriceFilter = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """Full-text search of items (OpenSearch), or substring search on the database fallback."""
    state = services(request.app).get(SearchState)
    search = ItemSearch(
        q=q,
        owner=owner,
        tags=tuple(t.lower() for t in tag or ()),
        min_price=as_price(min_price),
        max_price=as_price(max_price),
        page=page,
        size=size,
    )
    try:
        search.validate(max_result_window=state.settings.max_result_window)
    except InvalidSearch as exc:
        raise Problem(422, "Invalid search", str(exc), type="urn:problem-type:invalid-search") from None
    result = await state.backend.search(search)
    return {"items": result.items, "total": result.total, "page": result.page, "size": result.size, "backend": result.backend}


@router.post(
    "/reindex",
    name="search.reindex",
    status_code=202,
    responses={409: {"description": "The database fallback has no index to rebuild."}},
)
async def reindex(request: Request, _: Annotated[Principal, Depends(require_roles("admin"))]) -> dict[str, Any]:
    """Rebuild the index from the items table (repairs anything a failed live update missed)."""
    from app.items.models import Item

    state = services(request.app).get(SearchState)
    if not hasattr(state.backend, "bulk_index"):
        raise Problem(409, detail="The database fallback reads the table directly: there is no index to rebuild.")
    await state.backend.ensure_index()
    indexed = 0
    async with services(request.app).db.session() as session:
        batch: list[dict[str, Any]] = []
        # Streamed in batches: a large table never sits in memory whole.
        async for item in await session.stream_scalars(select(Item).order_by(Item.id).execution_options(yield_per=500)):
            batch.append(item_document(item))
            if len(batch) == 500:
                indexed += await state.backend.bulk_index(batch)
                batch = []
        if batch:
            indexed += await state.backend.bulk_index(batch)
    return {"indexed": indexed}
