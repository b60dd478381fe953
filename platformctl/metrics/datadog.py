"""`deploy --verify datadog`: the new version's error rate and p99 from Datadog's query API, failing closed.

No data, a query error, or rate limiting past a bounded back-off all count as failure: a check that
cannot measure must not pass (argo-rollouts#4479 is what happens otherwise). The keys come from
DD_API_KEY/DD_APP_KEY or a Secrets Manager secret, never from the command line, and never appear
in messages.
"""

from __future__ import annotations

import json
import math
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformctl.config import env_vars
from platformctl.errors import MissingToolError
from platformctl.system import Clock

ATTEMPTS = 4  # one try and three retries: 1 + 2 + 4 s of back-off, or what X-RateLimit-Reset asks (at most 30 s)
MAX_RATE_LIMIT_WAIT = 30.0


@dataclass(frozen=True)
class Keys:
    api_key: str
    app_key: str

    def __repr__(self) -> str:  # never print a key, even in a traceback's locals
        return "Keys(<redacted>)"


class QueryFailed(Exception):
    """Datadog could not answer (5xx, 429 past the back-off, or a refusal); the message holds no key."""


@dataclass
class DatadogVerifier:
    base_url: str  # https://api.datadoghq.com, or a stand-in
    keys: Keys
    clock: Clock
    error_rate_percent: float
    p99_ms: float
    timeout_seconds: float = 10.0

    def _query(self, query: str, start: int, end: int) -> list[float]:
        url = f"{self.base_url}/api/v1/query?" + urllib.parse.urlencode({"from": start, "to": end, "query": query})
        headers = {"DD-API-KEY": self.keys.api_key, "DD-APPLICATION-KEY": self.keys.app_key, "Accept": "application/json"}
        delay = 1.0
        for attempt in range(ATTEMPTS):
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=self.timeout_seconds) as response:
                    document = json.loads(response.read())
                break
            except urllib.error.HTTPError as exc:
                if exc.code == 429 and attempt + 1 < ATTEMPTS:
                    reset = exc.headers.get("X-RateLimit-Reset")
                    self.clock.sleep(min(MAX_RATE_LIMIT_WAIT, float(reset) if reset and reset.isdigit() else delay))
                elif exc.code >= 500 and attempt + 1 < ATTEMPTS:
                    self.clock.sleep(delay)
                elif exc.code in {401, 403}:
                    raise QueryFailed(f"Datadog refused the keys (HTTP {exc.code})") from None
                else:
                    raise QueryFailed(f"Datadog answered HTTP {exc.code} after {attempt + 1} attempt(s)") from None
            except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
                if attempt + 1 >= ATTEMPTS:
                    raise QueryFailed(f"Datadog could not be reached: {type(exc).__name__}") from None
                self.clock.sleep(delay)
            delay *= 2
        if document.get("status") == "error" or document.get("error"):
            raise QueryFailed(f"the query failed: {document.get('error', 'unknown error')}")
        return [
            float(point[1])
            for series in document.get("series") or []
            for point in series.get("pointlist") or []
            if point[1] is not None and math.isfinite(float(point[1]))
        ]

    def __call__(self, *, service: str, env: str, version: str, minutes: int) -> tuple[bool, str, dict[str, Any]]:
        """Wait `minutes` for traffic on the new version, then judge it against service.yaml's thresholds."""
        self.clock.sleep(minutes * 60)
        end = int(self.clock.now())
        start = end - minutes * 60
        scope = f"service:{service},env:{env},version:{version}"
        try:
            errors = self._query(f"sum:trace.http.request.errors{{{scope}}}.as_count()", start, end)
            hits = self._query(f"sum:trace.http.request.hits{{{scope}}}.as_count()", start, end)
            p99 = self._query(f"p99:trace.http.request{{{scope}}}", start, end)
        except QueryFailed as exc:
            return False, f"verification failed closed: {exc}", {"thresholds": self._thresholds()}
        if not hits or sum(hits) <= 0 or not p99:
            return False, f"verification failed closed: no data for {scope} in the last {minutes} min", {"thresholds": self._thresholds()}
        rate = 100.0 * sum(errors) / sum(hits)
        worst_p99_ms = max(p99) * 1000.0  # trace.http.request is in seconds
        details = {"errorRatePercent": round(rate, 3), "p99Ms": round(worst_p99_ms, 1), "requests": int(sum(hits)), "thresholds": self._thresholds()}
        problems = []
        if rate > self.error_rate_percent:
            problems.append(f"error rate {rate:.2f}% > {self.error_rate_percent}%")
        if worst_p99_ms > self.p99_ms:
            problems.append(f"p99 {worst_p99_ms:.0f} ms > {self.p99_ms:.0f} ms")
        if problems:
            return False, "over threshold: " + ", ".join(problems), details
        return True, f"error rate {rate:.2f}% <= {self.error_rate_percent}%, p99 {worst_p99_ms:.0f} ms <= {self.p99_ms:.0f} ms", details

    def _thresholds(self) -> dict[str, float]:
        return {"errorRatePercent": self.error_rate_percent, "p99Ms": self.p99_ms}


def load_keys(*, region: str) -> Keys:
    """DD_API_KEY and DD_APP_KEY, or the Secrets Manager secret named by PLATFORMCTL_DATADOG_SECRET.

    Raises:
        MissingToolError: neither is there (exit 3).
    """
    api_key, app_key = os.environ.get(env_vars.DATADOG_API_KEY), os.environ.get(env_vars.DATADOG_APP_KEY)
    if api_key and app_key:
        return Keys(api_key, app_key)
    secret_id = os.environ.get(env_vars.DATADOG_KEYS_SECRET)
    if not secret_id:
        raise MissingToolError(
            "No Datadog keys for --verify datadog.",
            hint=f"Set {env_vars.DATADOG_API_KEY} and {env_vars.DATADOG_APP_KEY}, "
            f"or {env_vars.DATADOG_KEYS_SECRET} to a Secrets Manager secret holding api_key and app_key.",
        )
    from botocore.exceptions import BotoCoreError, ClientError

    from platformctl.aws.session import client, translate

    try:
        value = client("secretsmanager", region=region).get_secret_value(SecretId=secret_id)["SecretString"]
    except (BotoCoreError, ClientError) as exc:
        raise translate(exc, f"read the Datadog keys from {secret_id}") from None
    try:
        document = json.loads(value)
        return Keys(str(document["api_key"]), str(document["app_key"]))
    except (ValueError, KeyError, TypeError):
        raise MissingToolError(f"The secret {secret_id} does not hold api_key and app_key as JSON.", hint='Store {"api_key": …, "app_key": …}.') from None


def verifier_from_environment(*, directory: Path, env: str, platform_file: Path | None) -> DatadogVerifier:
    """The verifier for this service: site from platform.yaml, thresholds from service.yaml, keys from the environment."""
    from platformctl.config.loader import load_platform
    from platformctl.config.service_file import load_service
    from platformctl.system import SystemClock

    platform = load_platform(platform_file, cwd=directory).platform
    thresholds = load_service(directory).verify
    base = os.environ.get(env_vars.DATADOG_API_URL) or f"https://api.{platform.addons.datadog_site}"
    return DatadogVerifier(base.rstrip("/"), load_keys(region=platform.regions.primary), SystemClock(), thresholds.error_rate_percent, thresholds.p99_ms)
