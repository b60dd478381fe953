"""Signing keys by `kid`: fetched from the issuer's JWKS, cached, refreshed on an unknown kid
no more often than a minimum interval (so forged kids cannot make us hammer the issuer)."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Protocol

import httpx
from jwt import PyJWK
from jwt.exceptions import PyJWKError

from app.core.log import get_logger

_log = get_logger("app.auth.jwks")


class KeySource(Protocol):
    async def get(self, kid: str | None) -> PyJWK | None: ...

    async def aclose(self) -> None: ...


def parse_jwks(document: dict[str, Any]) -> dict[str, PyJWK]:
    """Usable signing keys of a JWKS document by kid; encryption keys and unknown kinds are dropped."""
    keys: dict[str, PyJWK] = {}
    for raw in document.get("keys", []):
        if raw.get("use", "sig") != "sig" or not raw.get("kid"):
            continue
        try:
            keys[raw["kid"]] = PyJWK(raw)
        except PyJWKError as exc:
            _log.warning("jwks_key_skipped", kid=raw.get("kid"), reason=str(exc))
    return keys


class StaticKeys:
    """A fixed key set (the local dev issuer, tests)."""

    def __init__(self, keys: dict[str, PyJWK]) -> None:
        self._keys = keys

    async def get(self, kid: str | None) -> PyJWK | None:
        return self._keys.get(kid) if kid else None

    async def aclose(self) -> None:
        return None


class JWKSClient:
    """Async JWKS cache. Keys are parsed once into key objects and looked up by kid."""

    def __init__(
        self,
        url: str,
        *,
        cache_seconds: float = 600,
        min_refresh_seconds: float = 30,
        http: httpx.AsyncClient | None = None,
        clock: Any = time.monotonic,
    ) -> None:
        self.url = url
        self.cache_seconds = cache_seconds
        self.min_refresh_seconds = min_refresh_seconds
        self._http = http or httpx.AsyncClient(timeout=httpx.Timeout(5.0), follow_redirects=False)
        self._clock = clock
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()
        self._background: asyncio.Task[None] | None = None
        self.fetches = 0

    async def get(self, kid: str | None) -> PyJWK | None:
        if not kid:
            return None
        key = self._keys.get(kid)
        now = self._clock()
        stale = self._fetched_at is None or now - self._fetched_at >= self.cache_seconds
        if key is not None:
            if stale and self._background is None:
                # Known key, old cache: answer now, refresh behind the request (no latency spike).
                self._background = asyncio.create_task(self._refresh_in_background(kid))
            return key
        if stale or self._may_refresh(now):
            await self._refresh(kid)
        return self._keys.get(kid)

    async def _refresh_in_background(self, kid: str) -> None:
        try:
            await self._refresh(kid)
        finally:
            self._background = None

    def _may_refresh(self, now: float) -> bool:
        return self._fetched_at is None or now - self._fetched_at >= self.min_refresh_seconds

    async def _refresh(self, kid: str) -> None:
        async with self._lock:
            now = self._clock()
            if self._fetched_at is not None:
                age = now - self._fetched_at
                if kid in self._keys and age < self.cache_seconds:
                    return  # another request refreshed while we waited for the lock
                if age < self.min_refresh_seconds:
                    return  # too soon: forged kids must not make us hammer the issuer
            try:
                response = await self._http.get(self.url, headers={"accept": "application/json"})
                response.raise_for_status()
                keys = parse_jwks(response.json())
            except (httpx.HTTPError, ValueError) as exc:
                # Keep serving with the keys we have; try again after the minimum interval.
                _log.warning("jwks_fetch_failed", url=self.url, error=str(exc))
                self._fetched_at = now - self.cache_seconds + self.min_refresh_seconds
                return
            self.fetches += 1
            self._keys = keys
            self._fetched_at = now
            _log.info("jwks_refreshed", url=self.url, kids=sorted(keys))

    async def aclose(self) -> None:
        if self._background is not None:
            self._background.cancel()
        await self._http.aclose()
