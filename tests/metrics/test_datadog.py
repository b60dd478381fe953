"""--verify datadog against a local stand-in of the query API: it passes only on data within the thresholds."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest

from platformctl.errors import MissingToolError
from platformctl.metrics.datadog import DatadogVerifier, Keys, load_keys
from tests.deploy.harness import FakeClock
from tests.metrics.datadog_standin import API_KEY, APP_KEY, NO_DATA, Answer, DatadogStandIn, series, serve

ERRORS, HITS, P99 = "sum:trace.http.request.errors", "sum:trace.http.request.hits", "p99:trace.http.request"


@pytest.fixture
def datadog() -> Iterator[tuple[DatadogStandIn, str]]:
    standin = DatadogStandIn()
    for url in serve(standin):
        yield standin, url


def _verifier(url: str, clock: FakeClock, keys: Keys | None = None) -> DatadogVerifier:
    return DatadogVerifier(url, keys or Keys(API_KEY, APP_KEY), clock, error_rate_percent=1.0, p99_ms=500)


def _script(standin: DatadogStandIn, errors: list[Answer], hits: list[Answer], p99: list[Answer]) -> None:
    standin.answers = {ERRORS: errors, HITS: hits, P99: p99}


def _verify(url: str, clock: FakeClock, keys: Keys | None = None) -> tuple[bool, str, dict]:
    return _verifier(url, clock, keys)(service="orders", env="prod", version="3f2a1c9", minutes=5)


def test_healthy_metrics_pass_after_waiting_the_minutes(datadog: tuple[DatadogStandIn, str]) -> None:
    standin, url = datadog
    _script(standin, [Answer(body=series(1, 0))], [Answer(body=series(600, 400))], [Answer(body=series(0.12, 0.2))])
    clock = FakeClock()
    ok, message, details = _verify(url, clock)
    assert ok, message
    assert details["errorRatePercent"] == 0.1 and details["p99Ms"] == 200.0 and details["requests"] == 1000
    assert clock.slept == 300, "the new version gets its minutes of traffic before it is judged"
    assert "service:orders,env:prod,version:3f2a1c9" in standin.queries[0]


def test_over_threshold_fails(datadog: tuple[DatadogStandIn, str]) -> None:
    standin, url = datadog
    _script(standin, [Answer(body=series(30, 20))], [Answer(body=series(600, 400))], [Answer(body=series(0.3, 0.9))])
    ok, message, _ = _verify(url, FakeClock())
    assert not ok and message == "over threshold: error rate 5.00% > 1.0%, p99 900 ms > 500 ms"


@pytest.mark.parametrize("no_data", [NO_DATA, series(None, None), series(0, 0)])
def test_no_data_fails_closed(datadog: tuple[DatadogStandIn, str], no_data: dict) -> None:
    standin, url = datadog
    _script(standin, [Answer(body=series(0))], [Answer(body=no_data)], [Answer(body=series(0.1))])
    ok, message, _ = _verify(url, FakeClock())
    assert not ok and message.startswith("verification failed closed: no data for service:orders")


def test_server_errors_past_the_back_off_fail_closed(datadog: tuple[DatadogStandIn, str]) -> None:
    standin, url = datadog
    _script(standin, [Answer(503, {"errors": ["Service Unavailable"]})], [Answer(body=series(100))], [Answer(body=series(0.1))])
    clock = FakeClock()
    ok, message, _ = _verify(url, clock)
    assert not ok and message == "verification failed closed: Datadog answered HTTP 503 after 4 attempt(s)"
    assert len(standin.queries) == 4 and clock.slept == 300 + 1 + 2 + 4, "a bounded back-off, then failure"


def test_rate_limiting_waits_as_told_then_succeeds(datadog: tuple[DatadogStandIn, str]) -> None:
    standin, url = datadog
    limited = Answer(429, {"errors": ["Too many requests"]}, {"X-RateLimit-Reset": "7"})
    _script(standin, [limited, Answer(body=series(0))], [Answer(body=series(1000))], [Answer(body=series(0.1))])
    clock = FakeClock()
    ok, message, _ = _verify(url, clock)
    assert ok, message
    assert clock.slept == 300 + 7 and standin.queries.count(standin.queries[0]) == 2


def test_refused_keys_fail_closed_without_showing_them(datadog: tuple[DatadogStandIn, str]) -> None:
    _, url = datadog
    ok, message, details = _verify(url, FakeClock(), Keys("wrong-api-key-123", "wrong-app-key-456"))
    assert not ok and message == "verification failed closed: Datadog refused the keys (HTTP 403)"
    assert "wrong-" not in message + json.dumps(details) + repr(Keys("wrong-api-key-123", "x"))


def test_keys_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DD_API_KEY", "a")
    monkeypatch.setenv("DD_APP_KEY", "b")
    assert load_keys(region="eu-west-1") == Keys("a", "b")


@pytest.mark.integration
def test_keys_come_from_secrets_manager(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    boto3.client("secretsmanager", region_name="eu-west-1").create_secret(Name="acme/datadog", SecretString=json.dumps({"api_key": "k1", "app_key": "k2"}))
    monkeypatch.setenv("PLATFORMCTL_DATADOG_SECRET", "acme/datadog")
    assert load_keys(region="eu-west-1") == Keys("k1", "k2")


def test_no_keys_is_a_missing_credential() -> None:
    with pytest.raises(MissingToolError, match="No Datadog keys"):
        load_keys(region="eu-west-1")
