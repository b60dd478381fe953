"""The outbound client: retries, backoff with full jitter, Retry-After, and the per-host breaker."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry

from app.features.integrations import (
    BreakerRegistry,
    CircuitOpenError,
    ConnectorClient,
    ConnectorMetrics,
    IntegrationsSettings,
    State,
)
from app.features.integrations.breaker import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Script:
    """A MockTransport answering from a list: an int is a status, an exception class is raised."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, type) and issubclass(answer, Exception):
            raise answer("scripted", request=request)
        if isinstance(answer, tuple):
            return httpx.Response(answer[0], headers=answer[1])
        return httpx.Response(answer, json={"status": answer})


def _client(script: Script, sleeps: list[float], **overrides: Any) -> ConnectorClient:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    values: dict[str, Any] = {"max_attempts": 4, "backoff_base_seconds": 0.5, "backoff_max_seconds": 3.0}
    values.update(overrides)
    return ConnectorClient(IntegrationsSettings(**values), transport=httpx.MockTransport(script), sleep=sleep)


async def test_get_is_retried_on_5xx_with_full_jitter_backoff() -> None:
    script, sleeps = Script(503, 502, 500, 200), []
    client = _client(script, sleeps)
    response = await client.get("https://api.example.com/things")
    assert response.status_code == 200
    assert len(script.requests) == 4
    # Full jitter: attempt n sleeps uniformly in [0, min(max, base * 2^n)].
    for n, seconds in enumerate(sleeps, start=1):
        assert 0 <= seconds <= min(3.0, 0.5 * 2**n)
    await client.aclose()


async def test_retries_run_out_and_return_the_last_response() -> None:
    script, sleeps = Script(503), []
    client = _client(script, sleeps, max_attempts=3)
    response = await client.get("https://api.example.com/things")
    assert response.status_code == 503 and len(script.requests) == 3 and len(sleeps) == 2


async def test_post_is_not_retried_after_it_may_have_arrived() -> None:
    script, sleeps = Script(503, 200), []
    assert (await _client(script, sleeps).post("https://api.example.com/orders", json={})).status_code == 503
    assert len(script.requests) == 1
    script = Script(httpx.ReadTimeout, 200)
    with pytest.raises(httpx.ReadTimeout):
        await _client(script, sleeps).post("https://api.example.com/orders", json={})
    assert len(script.requests) == 1


async def test_post_is_retried_when_it_never_left_or_carries_an_idempotency_key() -> None:
    script, sleeps = Script(httpx.ConnectError, 201), []
    assert (await _client(script, sleeps).post("https://api.example.com/orders", json={})).status_code == 201
    script = Script(503, 201)
    response = await _client(script, sleeps).post(
        "https://api.example.com/orders", json={}, headers={"Idempotency-Key": "order-1"}
    )
    assert response.status_code == 201 and len(script.requests) == 2


async def test_retry_after_is_honoured_and_capped() -> None:
    script, sleeps = Script((429, {"Retry-After": "2"}), (503, {"Retry-After": "9999"}), 200), []
    client = _client(script, sleeps, retry_after_max_seconds=10)
    assert (await client.get("https://api.example.com/x")).status_code == 200
    assert sleeps == [2.0, 10.0]


async def test_4xx_is_not_retried() -> None:
    script, sleeps = Script(404, 200), []
    assert (await _client(script, sleeps).get("https://api.example.com/x")).status_code == 404
    assert len(script.requests) == 1


async def test_breaker_opens_per_host_fails_fast_then_half_opens() -> None:
    clock = Clock()
    script, sleeps = Script(503), []
    client = _client(script, sleeps, max_attempts=1)
    client.breakers = BreakerRegistry(failure_threshold=3, recovery_seconds=30, clock=clock)
    for _ in range(3):
        assert (await client.get("https://flaky.example.com/x")).status_code == 503
    calls = len(script.requests)
    with pytest.raises(CircuitOpenError, match="flaky.example.com"):
        await client.get("https://flaky.example.com/x")
    assert len(script.requests) == calls  # refused without calling
    script.answers = [200]
    assert (await client.get("https://healthy.example.com/x")).status_code == 200  # other hosts unaffected

    clock.now += 31  # cool-down over: one trial call goes out and closes the circuit
    assert (await client.get("https://flaky.example.com/x")).status_code == 200
    assert client.breakers.for_host("flaky.example.com").state is State.CLOSED


def test_breaker_state_machine() -> None:
    clock = Clock()
    breaker = CircuitBreaker("h", failure_threshold=2, recovery_seconds=10, clock=clock)
    breaker.record_failure()
    breaker.record_success()  # success resets the count of consecutive failures
    breaker.record_failure()
    assert breaker.state is State.CLOSED
    breaker.record_failure()
    assert breaker.state is State.OPEN
    with pytest.raises(CircuitOpenError):
        breaker.before_call()
    clock.now += 10
    breaker.before_call()
    assert breaker.state is State.HALF_OPEN
    with pytest.raises(CircuitOpenError):  # only one trial in flight
        breaker.before_call()
    breaker.record_failure()  # the trial failed: open again for a full cool-down
    assert breaker.state is State.OPEN
    clock.now += 9
    with pytest.raises(CircuitOpenError):
        breaker.before_call()


# ------------------------------------------------------------------ a real server on 127.0.0.1


@pytest.fixture
def flaky_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on loopback: /flaky fails twice with 503 then answers; /down always 503."""
    hits: list[str] = []
    counts: dict[str, int] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            hits.append(self.path)
            counts[self.path] = counts.get(self.path, 0) + 1
            ok = self.path == "/flaky" and counts[self.path] > 2
            body = b'{"ok": true}' if ok else b'{"ok": false}'
            self.send_response(200 if ok else 503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


async def test_real_socket_retries_and_breaker(flaky_server: tuple[str, list[str]]) -> None:
    url, hits = flaky_server
    settings = IntegrationsSettings(
        max_attempts=3,
        backoff_base_seconds=0.01,
        backoff_max_seconds=0.02,
        breaker_failure_threshold=3,
        breaker_recovery_seconds=60,
    )
    registry = CollectorRegistry()
    client = ConnectorClient(settings, metrics=ConnectorMetrics(registry))
    try:
        response = await client.get(f"{url}/flaky")
        assert response.status_code == 200 and response.json() == {"ok": True}
        assert hits == ["/flaky"] * 3
        # Breaker counts consecutive failures of the host: three 503s open it.
        assert (await client.get(f"{url}/down")).status_code == 503
        with pytest.raises(CircuitOpenError):
            await client.get(f"{url}/flaky")
        assert hits.count("/down") == 3
        host = url.removeprefix("http://")

        def attempts(outcome: str) -> float | None:
            return registry.get_sample_value("connector_attempts_total", {"host": host, "outcome": outcome})

        assert (attempts("5xx"), attempts("2xx"), attempts("circuit_open")) == (5.0, 1.0, 1.0)
    finally:
        await client.aclose()


async def test_real_socket_connection_refused_is_retried_then_raised() -> None:
    import socket

    with socket.socket() as sock:  # a port with nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    client = ConnectorClient(IntegrationsSettings(max_attempts=3, breaker_failure_threshold=10), sleep=sleep)
    try:
        with pytest.raises(httpx.ConnectError):
            await client.post(f"http://127.0.0.1:{port}/orders", json={})
        assert len(sleeps) == 2  # POST retried: nothing was sent
        assert client.breakers.for_host(f"127.0.0.1:{port}").failures == 3
    finally:
        await client.aclose()
