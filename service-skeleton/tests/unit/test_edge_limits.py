"""The edge against cheap attacks: invalid tokens are counted by the rate limiter, X-Forwarded-For
is believed only from trusted proxies, oversized headers are refused before they are parsed, and a
security header a route sets itself is not sent twice."""

from __future__ import annotations

import httpx
import pytest

from app.api.middleware import EdgeMiddleware
from app.core.metrics import Metrics
from app.core.settings import Settings

FORGED = {"Authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2ln"}


@pytest.mark.parametrize("path", ["/items", "/items/1"])
async def test_invalid_tokens_are_counted_by_the_rate_limiter(client_factory, path):
    async with client_factory(rate_limits={"default": "3/minute"}) as client:
        codes = [(await client.get(path, headers=FORGED)).status_code for _ in range(5)]
    assert codes == [401, 401, 401, 429, 429]


async def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(client_factory):
    # The test client connects from 203.0.113.7, outside the trusted range: a new X-Forwarded-For
    # each time must not give a fresh anonymous bucket.
    async with client_factory(rate_limits={"default": "2/minute"}, forwarded_allow_ips=["10.0.0.0/8"]) as client:
        codes = [(await client.get("/items", headers={"X-Forwarded-For": f"198.51.100.{i}"})).status_code for i in range(3)]
    assert codes == [401, 401, 429]


async def test_x_forwarded_for_from_a_trusted_proxy_names_the_client(client_factory):
    async with client_factory(rate_limits={"default": "1/minute"}, forwarded_allow_ips=["203.0.113.0/24"]) as client:
        codes = [(await client.get("/items", headers={"X-Forwarded-For": f"198.51.100.{i}"})).status_code for i in range(3)]
        same = (await client.get("/items", headers={"X-Forwarded-For": "198.51.100.0"})).status_code
    assert codes == [401, 401, 401]
    assert same == 429


def test_trusting_every_proxy_is_refused(settings_factory):
    with pytest.raises(ValueError, match="not '\\*'"):
        settings_factory(forwarded_allow_ips=["*"])
    assert Settings().forwarded_allow_ips == ["127.0.0.1"]


async def test_oversized_headers_are_431_before_the_token_is_read(client_factory):
    async with client_factory(max_header_bytes=8192) as client:
        response = await client.get("/items", headers={"Authorization": "Bearer " + "a" * 1_048_576})
        assert response.status_code == 431
        assert response.headers["content-type"] == "application/problem+json"
        assert "8192" in response.json()["detail"]
        # Headers of an ordinary size still pass through to authentication.
        assert (await client.get("/items", headers={"Authorization": "Bearer " + "a" * 4000})).status_code == 401


def test_the_image_leaves_proxy_trust_to_the_app():
    """uvicorn's own proxy handling would trust `--forwarded-allow-ips` (it was `*`): off, so the
    app's FORWARDED_ALLOW_IPS is the only trust there is."""
    from pathlib import Path

    cmd = next(line for line in (Path(__file__).parents[2] / "Dockerfile").read_text().splitlines() if line.startswith("CMD"))
    assert "--no-proxy-headers" in cmd
    assert "--forwarded-allow-ips" not in cmd and "--proxy-headers" not in cmd


async def test_a_security_header_the_route_sets_is_sent_once_with_its_value():
    async def route(scope, receive, send):
        headers = [(b"content-type", b"text/plain"), (b"Cache-Control", b"max-age=60")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    edge = EdgeMiddleware(route, metrics=Metrics(), max_body_bytes=1024, access_log=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=edge), base_url="http://t") as client:
        response = await client.get("/")
    assert response.headers.get_list("cache-control") == ["max-age=60"]
    assert response.headers["x-frame-options"] == "DENY"  # the others still go
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
