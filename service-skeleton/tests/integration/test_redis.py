"""Against a real Redis: rate limits (headers, atomicity, fail-open), the item cache with one
round trip on a hit, and the service degrading, not failing, when Redis goes away."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline
from redis.asyncio.connection import AbstractConnection

from app.api.services import services

pytestmark = pytest.mark.integration


@pytest.fixture
def editor(auth_header):
    return auth_header(sub="alice", roles=["editor"])


async def test_rate_limit_429_with_headers(redis_clean, client_factory, auth_header):
    async with client_factory(redis_url=redis_clean, rate_limits={"default": "100/minute", "items.list": "3/minute"}) as client:
        alice = auth_header(sub="alice")
        responses = [await client.get("/items", headers=alice) for _ in range(4)]
        assert [r.status_code for r in responses] == [200, 200, 200, 429]
        assert [r.headers["ratelimit-remaining"] for r in responses] == ["2", "1", "0", "0"]
        assert all(r.headers["ratelimit-limit"] == "3" for r in responses)
        limited = responses[-1]
        assert limited.headers["content-type"] == "application/problem+json"
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert limited.headers["retry-after"] == limited.headers["ratelimit-reset"]
        # Per user: bob has his own budget; other routes have theirs.
        assert (await client.get("/items", headers=auth_header(sub="bob"))).status_code == 200
        assert (
            await client.post("/items", json={"name": "x", "price": 1}, headers=auth_header(sub="alice", roles=["editor"]))
        ).status_code == 201
        # The counter lives in Redis with an expiry.
        redis = aioredis.Redis.from_url(redis_clean)
        assert 0 < await redis.pttl("rl:items.list:u:alice") <= 60_000
        await redis.aclose()


async def test_anonymous_requests_are_limited_by_client_ip(redis_clean, client_factory):
    async with client_factory(redis_url=redis_clean, rate_limits={"default": "2/minute"}) as client:
        codes = [(await client.get("/items")).status_code for _ in range(3)]
        assert codes == [401, 401, 429]
    redis = aioredis.Redis.from_url(redis_clean)
    assert await redis.get("rl:items.list:ip:203.0.113.7") == b"3"
    await redis.aclose()


async def test_rate_limit_is_atomic_across_app_instances(redis_clean, client_factory, auth_header):
    """Two app instances (two pods) hammer one limit concurrently: exactly `limit` requests pass."""
    limits = {"default": "100/minute", "items.list": "10/minute"}
    alice = auth_header(sub="alice")
    async with (
        client_factory(redis_url=redis_clean, rate_limits=limits) as pod_a,
        client_factory(redis_url=redis_clean, rate_limits=limits) as pod_b,
    ):
        tasks = [(pod_a if i % 2 else pod_b).get("/items", headers=alice) for i in range(40)]
        codes = [r.status_code for r in await asyncio.gather(*tasks)]
    assert codes.count(200) == 10
    assert codes.count(429) == 30


async def test_rate_limiter_recovers_when_redis_forgets_the_script(redis_clean, client_factory, auth_header):
    async with client_factory(redis_url=redis_clean, rate_limits={"default": "5/minute"}) as client:
        alice = auth_header(sub="alice")
        assert (await client.get("/items", headers=alice)).status_code == 200
        redis = aioredis.Redis.from_url(redis_clean)
        await redis.script_flush()
        await redis.aclose()
        response = await client.get("/items", headers=alice)
        assert response.status_code == 200
        assert response.headers["ratelimit-remaining"] == "3"


async def test_in_process_fallback_without_redis(client_factory, auth_header):
    async with client_factory(rate_limits={"default": "2/minute"}) as client:
        alice = auth_header(sub="alice")
        codes = [(await client.get("/items", headers=alice)).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert (await client.get("/items", headers=auth_header(sub="bob"))).status_code == 200


async def test_in_process_fallback_is_atomic_under_concurrency(client_factory, auth_header):
    async with client_factory(rate_limits={"default": "7/minute"}) as client:
        alice = auth_header(sub="alice")
        codes = [r.status_code for r in await asyncio.gather(*(client.get("/items", headers=alice) for _ in range(25)))]
    assert codes.count(200) == 7 and codes.count(429) == 18


async def test_cache_hit_takes_one_redis_round_trip(redis_clean, client_factory, editor, monkeypatch):
    async with client_factory(redis_url=redis_clean) as client:
        item = (await client.post("/items", json={"name": "lamp", "price": "5"}, headers=editor)).json()
        miss = await client.get(f"/items/{item['id']}", headers=editor)
        assert miss.headers["x-cache"] == "miss"

        round_trips: list[str] = []
        sent: list[tuple] = []
        writes: list[bytes] = []
        original_execute = Pipeline.execute
        original_command = aioredis.Redis.execute_command
        original_send = AbstractConnection.send_packed_command

        async def counting_execute(self, *args, **kwargs):
            round_trips.append("pipeline:" + ",".join(str(c[0][0]) for c in self.command_stack))
            return await original_execute(self, *args, **kwargs)

        async def counting_command(self, *args, **kwargs):
            round_trips.append(str(args[0]))
            sent.append(args)
            return await original_command(self, *args, **kwargs)

        async def counting_send(self, command, *args, **kwargs):
            writes.append(command)
            return await original_send(self, command, *args, **kwargs)

        monkeypatch.setattr(Pipeline, "execute", counting_execute)
        monkeypatch.setattr(aioredis.Redis, "execute_command", counting_command)
        monkeypatch.setattr(AbstractConnection, "send_packed_command", counting_send)
        hit = await client.get(f"/items/{item['id']}", headers=editor)
        assert hit.status_code == 200
        assert hit.headers["x-cache"] == "hit"
        assert hit.json() == miss.json()
        # The rate-limit script also reads the cache entry: one command, one write, nothing else.
        assert round_trips == ["EVALSHA"]
        assert len(writes) == 1
        (command,) = sent
        assert command[2:5] == (2, "rl:items.get:u:alice", f"items:{item['id']}")


async def test_cache_is_invalidated_on_update_and_delete(redis_clean, client_factory, editor):
    redis = aioredis.Redis.from_url(redis_clean)
    async with client_factory(redis_url=redis_clean) as client:
        item = (await client.post("/items", json={"name": "lamp", "price": "5"}, headers=editor)).json()
        url = f"/items/{item['id']}"
        await client.get(url, headers=editor)
        assert await redis.get(f"items:{item['id']}") is not None
        assert 0 < await redis.ttl(f"items:{item['id']}") <= 300
        await client.patch(url, json={"name": "bulb"}, headers=editor)
        assert await redis.get(f"items:{item['id']}") is None
        fresh = await client.get(url, headers=editor)
        assert (fresh.headers["x-cache"], fresh.json()["name"]) == ("miss", "bulb")
        assert (await client.get(url, headers=editor)).headers["x-cache"] == "hit"
        await client.delete(url, headers=editor)
        assert await redis.get(f"items:{item['id']}") is None
        assert (await client.get(url, headers=editor)).status_code == 404
    await redis.aclose()


async def test_service_keeps_working_when_redis_goes_down(redis_server, client_factory, editor):
    async with client_factory(redis_url=redis_server.url, redis_retry_after_seconds=0) as client:
        item = (await client.post("/items", json={"name": "lamp", "price": "5"}, headers=editor)).json()
        url = f"/items/{item['id']}"
        await client.get(url, headers=editor)
        assert (await client.get(url, headers=editor)).headers["x-cache"] == "hit"
        ready = await client.get("/readyz")
        assert ready.json() == {"status": "ok", "checks": {"database": {"status": "ok"}, "redis": {"status": "ok"}}}

        redis_server.stop()

        down = await client.get(url, headers=editor)
        assert down.status_code == 200
        assert down.headers["x-cache"] == "miss"
        assert "ratelimit-limit" not in down.headers  # failing open, not limiting
        assert (await client.patch(url, json={"name": "bulb"}, headers=editor)).status_code == 200
        assert (await client.get(url, headers=editor)).json()["name"] == "bulb"
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        body = ready.json()
        assert body["status"] == "degraded"
        assert body["checks"]["redis"]["status"] == "degraded"
        assert body["checks"]["database"] == {"status": "ok"}
        metrics = (await client.get("/metrics")).text
        assert 'cache_requests_total{result="error"}' in metrics


async def test_readyz_503_names_the_failed_dependency(client_factory, settings_factory):
    async with client_factory(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none", db_auto_migrate=False) as client:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["failed"] == ["database"]
        assert "database" in problem["detail"]
        assert problem["checks"]["database"]["status"] == "failed"
        assert (await client.get("/healthz")).status_code == 200  # liveness has no dependencies


async def test_readyz_includes_registered_feature_checks(app_factory):
    from service_testing import running

    app = app_factory()

    async def broken_queue() -> None:
        raise ConnectionError("queue unreachable")

    async def fine() -> None:
        return None

    services(app).readiness.register("search", fine)
    services(app).readiness.register("jobs_queue", broken_queue)
    async with running(app) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["jobs_queue"]
    assert response.json()["checks"]["search"] == {"status": "ok"}
    assert "unreachable" not in response.text  # the error type, not its message


async def test_hot_item_route_has_its_own_limit(redis_clean, client_factory, editor):
    limits = {"default": "100/minute", "items.get": "2/minute"}
    async with client_factory(redis_url=redis_clean, rate_limits=limits) as client:
        item = (await client.post("/items", json={"name": "lamp", "price": "5"}, headers=editor)).json()
        codes = [(await client.get(f"/items/{item['id']}", headers=editor)).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
    redis = aioredis.Redis.from_url(redis_clean)
    assert await redis.get("rl:items.get:u:alice") == b"3"
    await redis.aclose()
