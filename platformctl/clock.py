"""Time as a dependency: deploy's waits, deadlines and lock expiry read this, so tests replace it."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch (wall time: Lease timestamps are compared across machines)."""
        ...

    def sleep(self, seconds: float) -> None: ...

    def spent_blocking(self, seconds: float) -> None:
        """A blocking call (a watch that stayed quiet) has just used up to `seconds` of real time.

        A real clock has moved by itself; a test clock advances, so waits are tested without waiting.
        """
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))

    def spent_blocking(self, seconds: float) -> None:
        return None
