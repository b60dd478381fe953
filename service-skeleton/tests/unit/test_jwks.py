"""The JWKS cache: by kid, refreshed on an unknown kid at most every minimum interval, stale
keys refreshed behind the request, issuer outages survived."""

from __future__ import annotations

import asyncio

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from app.auth.jwks import JWKSClient
from service_testing import SigningKey


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _issuer(keys: list[dict], calls: list[int], *, fail: list[bool] | None = None) -> httpx.AsyncClient:
    async def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if fail and fail[0]:
            return httpx.Response(503)
        return httpx.Response(200, json={"keys": list(keys)})

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def _key(kid: str) -> dict:
    return SigningKey(kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048)).jwk()


async def test_keys_by_kid_with_one_fetch():
    calls: list[int] = []
    client = JWKSClient("https://issuer/jwks", http=_issuer([_key("a"), _key("b")], calls), clock=Clock())
    first, second = await asyncio.gather(client.get("a"), client.get("b"))
    assert first is not None and second is not None and first is not second
    assert await client.get("a") is first  # the parsed key object is reused
    assert len(calls) == 1
    assert await client.get(None) is None


async def test_stale_known_key_is_served_while_refreshing_in_the_background():
    calls: list[int] = []
    clock = Clock()
    keys = [_key("a")]
    client = JWKSClient("https://issuer/jwks", cache_seconds=600, http=_issuer(keys, calls), clock=clock)
    key = await client.get("a")
    clock.now += 601
    assert await client.get("a") is key  # no waiting on the issuer
    await asyncio.sleep(0.01)  # the background refresh runs
    assert len(calls) == 2
    await client.aclose()


async def test_issuer_outage_keeps_old_keys_and_retries_after_the_minimum_interval():
    calls: list[int] = []
    clock = Clock()
    fail = [False]
    client = JWKSClient(
        "https://issuer/jwks", cache_seconds=600, min_refresh_seconds=30, http=_issuer([_key("a")], calls, fail=fail), clock=clock
    )
    key = await client.get("a")
    fail[0] = True
    clock.now += 601
    assert await client.get("a") is key
    await asyncio.sleep(0.01)
    assert len(calls) == 2  # failed refresh
    clock.now += 10
    assert await client.get("a") is key
    await asyncio.sleep(0.01)
    assert len(calls) == 2  # not before the minimum interval
    fail[0] = False
    clock.now += 25
    assert await client.get("a") is key
    await asyncio.sleep(0.01)
    assert len(calls) == 3


async def test_unknown_kids_refresh_at_most_every_minimum_interval():
    calls: list[int] = []
    clock = Clock()
    keys = [_key("a")]
    client = JWKSClient("https://issuer/jwks", min_refresh_seconds=30, http=_issuer(keys, calls), clock=clock)
    await client.get("a")
    results = await asyncio.gather(*(client.get(f"forged-{i}") for i in range(20)))
    assert results == [None] * 20 and len(calls) == 1
    keys.append(_key("rotated"))
    clock.now += 31
    assert await client.get("rotated") is not None
    assert len(calls) == 2
