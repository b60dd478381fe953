"""Cache.set against a real Redis: the sets of one loop iteration go out in one pipeline and each
caller returns once Redis has its entry; with Redis gone every caller still returns, the outage
is recorded, and nothing is raised."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from app.core.cache import Cache
from app.core.metrics import Metrics
from app.core.redis_store import RedisStore

pytestmark = pytest.mark.integration


async def test_sets_of_one_iteration_share_one_pipeline(redis_clean: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = RedisStore(redis_clean)
    cache = Cache(store, Metrics(), ttl=60)
    assert store.client is not None
    pipelines: list[int] = []
    make_pipeline = store.client.pipeline

    def counted(*args: object, **kwargs: object) -> object:
        pipelines.append(1)
        return make_pipeline(*args, **kwargs)

    monkeypatch.setattr(store.client, "pipeline", counted)
    try:
        await asyncio.gather(*(cache.set(f"k{n}", f"v{n}".encode()) for n in range(5)))
        assert pipelines == [1]
        check = aioredis.from_url(redis_clean)
        try:
            assert await check.mget([f"k{n}" for n in range(5)]) == [f"v{n}".encode() for n in range(5)]
            assert 0 < await check.ttl("k0") <= 60
        finally:
            await check.aclose()
        await cache.set("later", b"x")  # a later iteration: its own pipeline
        assert pipelines == [1, 1]
    finally:
        await store.aclose()


async def test_sets_return_when_redis_is_gone() -> None:
    store = RedisStore("redis://127.0.0.1:1/0", timeout=0.2)  # nothing listens on port 1
    cache = Cache(store, Metrics(), ttl=60)
    try:
        async with asyncio.timeout(5):
            await asyncio.gather(*(cache.set(f"k{n}", b"v") for n in range(3)))
        assert not store.available
        assert store.last_error
    finally:
        await store.aclose()
