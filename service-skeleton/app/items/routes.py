"""HTTP routes of the items resource: `routes`, added to the app by `create_app`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import WriteSession
from app.api.guard import Guard
from app.api.problems import Problem
from app.api.ratelimit import NOT_FETCHED, prefetched
from app.api.routing import Routes
from app.api.services import services
from app.auth import Principal
from app.items.cursor import decode_cursor, encode_cursor
from app.items.models import Item
from app.items.params import MAX_ID, ItemId, NameQuery, Owner, PriceFilter, TagFilter, as_price, id_in_range
from app.items.repository import ItemFilter, get_item
from app.items.schemas import ItemCreate, ItemOut, ItemPage, ItemUpdate
from app.items.store import ItemStore

routes = Routes(prefix="/items", tags=["items"])
WRITERS = ("editor", "admin")
JSON = "application/json"


def item_cache_key(item_id: int | str) -> str:
    return f"items:{item_id}"


def _prefetch_key(request: Request) -> str:
    return item_cache_key(request.path_params.get("item_id", ""))


READ = Guard()
READ_ONE = Guard(prefetch=_prefetch_key)
WRITE = Guard(*WRITERS)
Reader = Annotated[Principal, Depends(READ)]
Writer = Annotated[Principal, Depends(WRITE)]


def _secret(request: Request) -> bytes:
    return services(request.app).settings.secret_key.get_secret_value().encode()


def _store(request: Request) -> ItemStore:
    return services(request.app).get(ItemStore)


def _serialize(item: Item) -> bytes:
    return ItemOut.model_validate(item).model_dump_json().encode()


def _not_found(item_id: int) -> Problem:
    return Problem(404, detail=f"Item {item_id} does not exist.")


def _may_modify(principal: Principal, item: Item) -> None:
    if item.owner != principal.subject and "admin" not in principal.roles:
        raise Problem(403, detail="Only the owner or an admin may change this item.")


@routes.get("", name="items.list", response_model=ItemPage)
async def list_items_route(
    request: Request,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    owner: Owner = None,
    tag: TagFilter = None,
    q: NameQuery = None,
    min_price: PriceFilter = None,
    max_price: PriceFilter = None,
) -> Response:
    after = decode_cursor(cursor, _secret(request)) if cursor else None
    tag = tag.lower() if tag else None
    flt = ItemFilter(owner=owner, tag=tag, q=q, min_price=as_price(min_price), max_price=as_price(max_price))
    items, more = await _store(request).page(flt, after_id=after, limit=limit)
    next_cursor = encode_cursor(items[-1].id, _secret(request)) if more and items else None
    # Serialised here: returned as a model, FastAPI would validate the page's items a second time
    # against `response_model` (which stays, for the OpenAPI document).
    return Response(ItemPage(items=items, next_cursor=next_cursor, limit=limit).model_dump_json().encode(), media_type=JSON)


@routes.post("", name="items.create", status_code=201, response_model=ItemOut)
async def create_item_route(
    body: ItemCreate,
    request: Request,
    principal: Writer,
) -> Response:
    # One INSERT … RETURNING brings back the id and the server defaults: no refresh() after it.
    item = await _store(request).create(body.model_dump(), owner=principal.subject)
    return Response(item.model_dump_json().encode(), status_code=201, media_type=JSON, headers={"Location": f"/items/{item.id}"})


@routes.get("/{item_id}", name="items.get", response_model=ItemOut)
async def get_item_route(item_id: ItemId, request: Request, _: Annotated[Principal, Depends(READ_ONE)]) -> Response:
    shared = services(request.app)
    cache = shared.cache
    key = item_cache_key(item_id)
    cached = prefetched(request, key)
    cached = await cache.get(key) if cached is NOT_FETCHED else cache.record(cached)
    if cached is not None:
        return Response(cached, media_type=JSON, headers={"X-Cache": "hit"})
    item = await shared.get(ItemStore).get(item_id)
    if item is None:
        raise _not_found(item_id)
    body = item.model_dump_json().encode()
    await cache.set(key, body)
    return Response(body, media_type=JSON, headers={"X-Cache": "miss"})


async def _item_to_modify(session: AsyncSession, item_id: int, principal: Principal) -> Item:
    """The item, when it exists (else 404) and the principal may change it (else 403)."""
    item = await get_item(session, item_id)
    if item is None:
        raise _not_found(item_id)
    _may_modify(principal, item)
    return item


@routes.patch("/{item_id}", name="items.update", response_model=ItemOut)
async def update_item_route(
    item_id: ItemId,
    body: ItemUpdate,
    request: Request,
    session: WriteSession,
    principal: Writer,
) -> Response:
    item = await _item_to_modify(session, item_id, principal)
    changes = body.model_dump(exclude_unset=True)  # the schema refuses null for name, price, tags
    for field, value in changes.items():
        setattr(item, field, value)
    await session.commit()  # UPDATE … RETURNING brought back updated_at (Item's eager_defaults)
    await services(request.app).cache.delete(item_cache_key(item_id))
    return Response(_serialize(item), media_type=JSON)


@routes.delete("/{item_id}", name="items.delete", status_code=204)
async def delete_item_route(
    item_id: ItemId,
    request: Request,
    session: WriteSession,
    principal: Writer,
) -> Response:
    item = await _item_to_modify(session, item_id, principal)
    await session.delete(item)
    await session.commit()
    await services(request.app).cache.delete(item_cache_key(item_id))
    return Response(status_code=204)


@routes.hot("/{item_id:int}", name="items.get")
async def get_item_hot(request: Request) -> Response:
    """`get_item_route` without FastAPI's per-request dependency solving (see app.api.hot_route)."""
    item_id = request.path_params["item_id"]
    if not id_in_range(item_id):
        raise RequestValidationError(
            [{"loc": ("path", "item_id"), "msg": f"Input should be between 1 and {MAX_ID}", "type": "less_than_equal"}]
        )
    principal = await READ_ONE(request)
    return await get_item_route(item_id, request, principal)

