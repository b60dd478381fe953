"""Prometheus metrics of jobs: enqueued, processed, failed, dead-lettered, duplicates, duration."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram

_BY_REGISTRY: weakref.WeakKeyDictionary[CollectorRegistry, JobMetrics] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class JobMetrics:
    enqueued: Counter
    processed: Counter
    failed: Counter
    dead_lettered: Counter
    duplicates: Counter
    duration: Histogram

    @classmethod
    def for_registry(cls, registry: CollectorRegistry | None = None) -> JobMetrics:
        """One set per registry: building the app twice in a process must not register twice."""
        registry = registry or REGISTRY
        existing = _BY_REGISTRY.get(registry)
        if existing is not None:
            return existing
        metrics = cls(
            enqueued=Counter("jobs_enqueued_total", "Jobs sent to the queue.", ["type"], registry=registry),
            processed=Counter("jobs_processed_total", "Jobs that succeeded.", ["type"], registry=registry),
            failed=Counter("jobs_failed_total", "Job attempts that raised.", ["type"], registry=registry),
            dead_lettered=Counter(
                "jobs_dead_lettered_total", "Jobs moved to the dead-letter queue.", ["type", "reason"], registry=registry
            ),
            duplicates=Counter(
                "jobs_duplicates_total", "Deliveries skipped by their idempotency key.", ["type"], registry=registry
            ),
            duration=Histogram(
                "jobs_duration_seconds",
                "Time spent in a job handler.",
                ["type", "outcome"],
                buckets=(0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
                registry=registry,
            ),
        )
        _BY_REGISTRY[registry] = metrics
        return metrics


def registry_of(app_metrics: Any) -> CollectorRegistry | None:
    """Find the core's Prometheus registry on `services(app).metrics`, whatever shape it has."""
    if isinstance(app_metrics, CollectorRegistry):
        return app_metrics
    registry = getattr(app_metrics, "registry", None)
    return registry if isinstance(registry, CollectorRegistry) else None
