"""Startup and shutdown callbacks that the core and features register on `services(app).lifecycle`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.core.log import get_logger

Hook = Callable[[], Awaitable[None]]
_log = get_logger("app.lifecycle")


class Lifecycle:
    def __init__(self) -> None:
        self._startup: list[Hook] = []
        self._shutdown: list[Hook] = []

    def on_startup(self, hook: Hook) -> None:
        self._startup.append(hook)

    def on_shutdown(self, hook: Hook) -> None:
        """Shutdown hooks run in reverse order of registration, each even if another failed."""
        self._shutdown.append(hook)

    async def startup(self) -> None:
        for hook in self._startup:
            await hook()

    async def shutdown(self) -> None:
        for hook in reversed(self._shutdown):
            try:
                await hook()
            except Exception as exc:
                _log.error("shutdown_hook_failed", hook=getattr(hook, "__qualname__", repr(hook)), exc_info=exc)
