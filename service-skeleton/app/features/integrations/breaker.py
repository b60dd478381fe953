"""A per-host circuit breaker: closed -> open after N consecutive failures -> half-open after a
cool-down, where one trial call decides between closed and open again.

Small enough to own: the maintained Python breakers are sync-first (pybreaker) or tie the breaker
to a decorator (aiobreaker, purgatory); we need one we can consult per request and per host.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, field


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(RuntimeError):
    """Calls to this host are refused until the cool-down has passed."""

    def __init__(self, host: str, retry_in: float) -> None:
        super().__init__(f"circuit for {host} is open: not calling it for another {retry_in:.1f}s")
        self.host = host
        self.retry_in = retry_in


@dataclass
class CircuitBreaker:
    host: str
    failure_threshold: int = 5
    recovery_seconds: float = 30.0
    clock: Callable[[], float] = time.monotonic
    state: State = State.CLOSED
    failures: int = 0
    opened_at: float = 0.0
    _trial_in_flight: bool = field(default=False, repr=False)

    def before_call(self) -> None:
        """Raise `CircuitOpenError` unless a call may go out now."""
        if self.state is State.OPEN:
            waited = self.clock() - self.opened_at
            if waited < self.recovery_seconds:
                raise CircuitOpenError(self.host, self.recovery_seconds - waited)
            self.state = State.HALF_OPEN
            self._trial_in_flight = False
        if self.state is State.HALF_OPEN:
            if self._trial_in_flight:  # one trial at a time; the others fail fast
                raise CircuitOpenError(self.host, 0.0)
            self._trial_in_flight = True

    def record_success(self) -> None:
        self.state = State.CLOSED
        self.failures = 0
        self._trial_in_flight = False

    def record_failure(self) -> None:
        self._trial_in_flight = False
        if self.state is State.HALF_OPEN:
            self._open()
            return
        self.failures += 1
        if self.failures >= self.failure_threshold:
            self._open()

    def _open(self) -> None:
        self.state = State.OPEN
        self.opened_at = self.clock()
        self.failures = 0


class BreakerRegistry:
    """One breaker per host, created on first use with the same thresholds."""

    def __init__(self, *, failure_threshold: int, recovery_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._make = lambda host: CircuitBreaker(host, failure_threshold, recovery_seconds, clock)
        self._breakers: dict[str, CircuitBreaker] = {}

    def for_host(self, host: str) -> CircuitBreaker:
        breaker = self._breakers.get(host)
        if breaker is None:
            breaker = self._breakers[host] = self._make(host)
        return breaker

    def states(self) -> dict[str, str]:
        return {host: breaker.state.value for host, breaker in self._breakers.items()}
