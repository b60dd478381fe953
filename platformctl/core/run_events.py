"""What a run over the layer graph reports besides the engine's own events: blocking, lock waits, stopping."""

from __future__ import annotations

from dataclasses import dataclass

from platformctl.engines.base import EngineEvent, LockHolder


@dataclass(frozen=True)
class LayerSettled:
    """A layer reached its final state in this run (the run record's entry for it)."""

    layer: str
    status: str  # succeeded, unchanged, failed, blocked, cancelled
    reason: str = ""
    error: str | None = None
    error_urn: str | None = None


@dataclass(frozen=True)
class LockWaiting:
    """Another update holds the layer's lock; the run waits `retry_in` seconds before trying again."""

    layer: str
    holders: tuple[LockHolder, ...]
    waited: float
    retry_in: float


@dataclass(frozen=True)
class RunNotice:
    """A sentence about the run as a whole or one layer: stopping, pulled-in dependents, a refresh first."""

    message: str
    layer: str | None = None
    severity: str = "info"  # info, warning


RunEvent = EngineEvent | LayerSettled | LockWaiting | RunNotice
