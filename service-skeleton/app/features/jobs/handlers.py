"""Job handlers: a registry from job type to an async function, filled from `JOBS_HANDLER_MODULES`.

A handler module exposes `register(handlers: JobHandlers) -> None`. A handler raises to be retried,
or `PermanentJobError` when retrying cannot help (the job goes straight to the dead-letter queue).
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from app.features.jobs.queue import Job


class PermanentJobError(Exception):
    """The job can never succeed (bad payload, missing entity): dead-letter it without retrying."""


@dataclass
class JobContext:
    """What a handler may use. `resources` holds lazily built clients (notifier, db, ...)."""

    settings: Any
    jobs_settings: Any
    redis: Any = None
    resources: dict[str, Any] = field(default_factory=dict)
    receive_count: int = 1


Handler = Callable[[Job, JobContext], Awaitable[None]]


class JobHandlers:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, job_type: str, handler: Handler) -> None:
        if job_type in self._handlers and self._handlers[job_type] is not handler:
            raise ValueError(f"job type {job_type!r} already has a handler")
        self._handlers[job_type] = handler

    def handler(self, job_type: str) -> Callable[[Handler], Handler]:
        """Decorator form of `register`."""

        def decorate(fn: Handler) -> Handler:
            self.register(job_type, fn)
            return fn

        return decorate

    def get(self, job_type: str) -> Handler | None:
        return self._handlers.get(job_type)

    def types(self) -> list[str]:
        return sorted(self._handlers)

    @classmethod
    def from_modules(cls, modules: Iterable[str]) -> JobHandlers:
        handlers = cls()
        for name in modules:
            module = importlib.import_module(name)
            register = getattr(module, "register", None)
            if register is None:
                raise ImportError(f"job handler module {name} has no register(handlers) function")
            register(handlers)
        return handlers
