"""`create_app(settings)`: builds the service. Nothing is created at import time."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.api import health
from app.api.health import Readiness
from app.api.middleware import EdgeMiddleware
from app.api.openapi import install_openapi
from app.api.problems import install_problem_handlers
from app.api.ratelimit import RateLimiter
from app.api.routing import include
from app.api.services import Services, services
from app.auth import build_verifier
from app.core.cache import Cache
from app.core.db import Database
from app.core.lifecycle import Lifecycle
from app.core.log import configure_logging, flush_logs, get_logger
from app.core.metrics import Metrics
from app.core.redis_store import RedisStore
from app.core.settings import Settings, check_production_ready
from app.features import install_features
from app.items import routes as items
from app.items.store import ItemStore

GC_YOUNG_THRESHOLD = 10_000  # allocations between collections of the youngest generation (default 700)
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/openapi.json")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    shared = services(app)
    settings = shared.settings
    log = get_logger("app")
    if settings.auto_migrate:
        from app.migrate import run_migrations

        revision = await run_migrations(shared.db)
        log.info("database_migrated", revision=revision)
    await shared.lifecycle.startup()
    # Everything allocated so far (modules, models, pools) lives as long as the process: move it
    # out of the collector's sight so full collections stay short under load (p99 latency).
    gc.collect()
    gc.freeze()
    # A request allocates a few hundred containers; at the default threshold (700) the youngest
    # generation was collected every few requests (5% of a cache hit's CPU).
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    log.info("started", environment=settings.environment, features=shared.features)
    try:
        yield
    finally:
        await shared.lifecycle.shutdown()
        log.info("stopped")
        flush_logs()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for `settings` (read from the environment when omitted).

    Raises:
        ConfigurationError: outside `local`, when a secret is at its default or auth is not configured.
    """
    settings = settings or Settings()
    check_production_ready(settings)
    configure_logging(service=settings.service_name, level=settings.log_level, json=settings.log_json)

    app = FastAPI(
        title=settings.service_name,
        version=settings.version,
        lifespan=_lifespan,
        docs_url="/docs" if settings.show_docs else None,
        openapi_url="/openapi.json" if settings.show_docs else None,
        redoc_url=None,
        # FastAPI's native OpenTelemetry is off: tracing is app.core.tracing's instrumentor when
        # configured, and the native layer asks the OTel globals (environment lookups) on every
        # request only to find them unconfigured, about 4% of a cache hit's CPU.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    metrics = Metrics()
    store = RedisStore(settings.redis_url, timeout=settings.redis_timeout_seconds, retry_after=settings.redis_retry_after_seconds)
    db = Database(settings)
    lifecycle = Lifecycle()
    readiness = Readiness()
    auth = build_verifier(settings)

    # The host API that features rely on (see app/features/README.md).
    app.state.services = shared = Services(
        settings=settings,
        metrics=metrics,
        db=db,
        redis_store=store,
        cache=Cache(store, metrics, ttl=settings.cache_ttl_seconds),
        rate_limiter=RateLimiter(limits=settings.rate_limits, store=store, metrics=metrics, enabled=settings.rate_limit_enabled),
        auth=auth,
        lifecycle=lifecycle,
        readiness=readiness,
    )

    readiness.register("database", db.ping)
    if store.client is not None:
        readiness.register("redis", store.ping, critical=False)  # uncached service still works
    # Registered first, so they run last: features shut down before the shared clients close.
    lifecycle.on_shutdown(db.dispose)
    lifecycle.on_shutdown(store.aclose)
    lifecycle.on_shutdown(auth.keys.aclose)

    shared.provide(ItemStore(db))
    install_problem_handlers(app)
    include(app, health.routes)
    include(app, items.routes)
    install_features(app, settings)

    from app.core.tracing import setup_tracing

    flush = setup_tracing(app, settings)
    if flush is not None:
        lifecycle.on_shutdown(flush)

    install_openapi(app)

    # add_middleware wraps: the last added is the outermost.
    if settings.cors_allow_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_allow_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=[
                "X-Request-ID",
                "Retry-After",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                "Location",
            ],
            max_age=600,
        )
    app.add_middleware(
        EdgeMiddleware,
        metrics=metrics,
        max_body_bytes=settings.max_body_bytes,
        max_header_bytes=settings.max_header_bytes,
        access_log=settings.access_log,
        docs_paths=DOCS_PATHS if settings.show_docs else (),
    )
    # Outermost, so the client address is settled before anything reads it. Here rather than in
    # uvicorn's flags (the Dockerfile runs --no-proxy-headers) so the trusted range is a setting.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    return app
