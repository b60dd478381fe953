"""problem+json everywhere, no stack traces, security headers, CORS, body limit, request ids."""

from __future__ import annotations

import json

from service_testing import running


async def test_unknown_route_is_404_problem(client):
    response = await client.get("/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Not Found"


async def test_wrong_method_is_405_problem(client):
    response = await client.put("/healthz")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"


async def test_unhandled_exception_is_a_bare_500_problem(app_factory):
    app = app_factory()

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret connection string postgres://user:hunter2@db")

    async with running(app) as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "An unexpected error occurred.",
        "instance": "/boom",
    }
    assert "hunter2" not in response.text and "Traceback" not in response.text
    assert response.headers["x-request-id"]
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_security_headers_on_every_response(client):
    for path in ("/healthz", "/items", "/nope"):
        headers = (await client.get(path)).headers
        assert headers["strict-transport-security"].startswith("max-age=")
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "default-src 'none'" in headers["content-security-policy"]


async def test_docs_are_off_outside_local(client_factory):
    async with client_factory(
        environment="prod", secret_key="s3cret-value", database_url="postgresql+asyncpg://u@127.0.0.1:1/db"
    ) as client:
        assert (await client.get("/docs")).status_code == 404
        assert (await client.get("/openapi.json")).status_code == 404
    async with client_factory() as client:
        assert (await client.get("/openapi.json")).status_code == 200


async def test_cors_allows_configured_origins_only(client_factory):
    async with client_factory(cors_allow_origins="https://app.example.com, https://admin.example.com") as client:
        preflight = await client.options(
            "/items",
            headers={
                "Origin": "https://app.example.com",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://app.example.com"
        assert "POST" in preflight.headers["access-control-allow-methods"]
        evil = await client.options("/items", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        assert evil.status_code == 400
        assert "access-control-allow-origin" not in evil.headers
        simple = await client.get("/healthz", headers={"Origin": "https://admin.example.com"})
        assert simple.headers["access-control-allow-origin"] == "https://admin.example.com"
        assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()


async def test_no_cors_headers_without_configuration(client):
    response = await client.get("/healthz", headers={"Origin": "https://app.example.com"})
    assert "access-control-allow-origin" not in response.headers


async def test_body_limit_by_content_length(client_factory, auth_header):
    async with client_factory(max_body_bytes=1024) as client:
        big = {"name": "x", "price": "1", "description": "a" * 2000}
        response = await client.post("/items", json=big, headers=auth_header(roles=["editor"]))
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        assert "1024" in response.json()["detail"]
        small = await client.post("/items", json={"name": "x", "price": "1"}, headers=auth_header(roles=["editor"]))
        assert small.status_code == 201


async def test_body_limit_on_chunked_body_without_content_length(client_factory, auth_header):
    async def chunks():
        for _ in range(10):
            yield b"x" * 512

    async with client_factory(max_body_bytes=1024) as client:
        response = await client.post(
            "/items", content=chunks(), headers={**auth_header(roles=["editor"]), "content-type": "application/json"}
        )
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"


async def test_request_id_is_echoed_or_generated(client):
    echoed = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    generated = await client.get("/healthz")
    assert len(generated.headers["x-request-id"]) == 32
    hostile = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces" + "x" * 200})
    assert hostile.headers["x-request-id"] != "bad id\twith spaces"
    assert json.dumps(hostile.headers["x-request-id"]).isascii()


async def test_openapi_documents_bearer_auth(client):
    schema = (await client.get("/openapi.json")).json()
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert schema["security"] == [{"bearerAuth": []}]
    assert "/healthz" not in schema["paths"]


async def test_openapi_documents_errors_as_problems(client):
    schema = (await client.get("/openapi.json")).json()
    patch = schema["paths"]["/items/{item_id}"]["patch"]
    for status in ("401", "404", "413", "422", "429", "503"):
        assert list(patch["responses"][status]["content"]) == ["application/problem+json"], status
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    update = schema["components"]["schemas"]["ItemUpdate"]["properties"]
    assert update["name"]["type"] == "string" and "anyOf" not in update["name"]  # null is refused, and says so
    price = schema["components"]["schemas"]["ItemCreate"]["properties"]["price"]["anyOf"]
    assert {"type": "string", "pattern": "^[0-9]{1,10}(\\.[0-9]{1,2})?$"} in price
