"""Liveness (`/healthz`, no dependencies), readiness (`/readyz`: database, Redis, feature checks) and
Prometheus `/metrics`: the operational routes, none in the OpenAPI document."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from app.api.problems import problem_response
from app.api.routing import Routes
from app.api.services import services
from app.core.log import get_logger

Check = Callable[[], Awaitable[None]]
_log = get_logger("app.health")


@dataclass(frozen=True, slots=True)
class _Registered:
    check: Check
    critical: bool


class Readiness:
    """Named readiness checks. A check raises to say "not ready". A non-critical check that fails
    makes the service `degraded` (still 200: it keeps serving), a critical one makes it 503."""

    def __init__(self, timeout: float = 2.0) -> None:
        self.timeout = timeout
        self._checks: dict[str, _Registered] = {}

    def register(self, name: str, check: Check, *, critical: bool = True) -> None:
        if name in self._checks:
            raise ValueError(f"readiness check {name!r} is already registered")
        self._checks[name] = _Registered(check, critical)

    @property
    def names(self) -> list[str]:
        return list(self._checks)

    async def _run(self, name: str, entry: _Registered) -> tuple[str, dict[str, str]]:
        try:
            await asyncio.wait_for(entry.check(), self.timeout)
        except TimeoutError:
            return name, {"status": "failed" if entry.critical else "degraded", "error": f"timed out after {self.timeout}s"}
        except Exception as exc:  # a check signals failure by raising anything
            _log.warning("readiness_check_failed", check=name, error=repr(exc))
            return name, {"status": "failed" if entry.critical else "degraded", "error": type(exc).__name__}
        return name, {"status": "ok"}

    async def run(self) -> dict[str, dict[str, str]]:
        results = await asyncio.gather(*(self._run(n, e) for n, e in self._checks.items()))
        return dict(results)


routes = Routes()


@routes.get("/healthz", include_in_schema=False)
async def healthz() -> Response:
    return JSONResponse({"status": "ok"})


@routes.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> Response:
    checks = await services(request.app).readiness.run()
    failed = sorted(name for name, result in checks.items() if result["status"] == "failed")
    if failed:
        return problem_response(
            503,
            "Service not ready",
            f"Failing: {', '.join(failed)}.",
            instance="/readyz",
            failed=failed,
            checks=checks,
        )
    degraded = any(result["status"] == "degraded" for result in checks.values())
    return JSONResponse({"status": "degraded" if degraded else "ok", "checks": checks})



@routes.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    return await services(request.app).metrics.endpoint(request)
