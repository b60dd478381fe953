"""Fakes for the lifecycle use cases: an engine that implements the CloudEngine Protocol in memory, a clock, a record store."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from platformctl.engines.base import (
    EventSink,
    LayerFinished,
    LayerInput,
    LayerOperationError,
    LayerResult,
    LayerStarted,
    ResourceProgress,
    StackState,
    ignore_events,
)
from platformctl.plan.model import LayerPlan

Hook = Callable[[LayerInput], None]


class FakeClock:
    """Time moves only when someone sleeps."""

    def __init__(self) -> None:
        self.t = 1796385600.0  # 2026-12-04T12:00:00Z
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def now(self) -> float:
        return self.t

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.t += seconds


class MemoryRecords:
    def __init__(self) -> None:
        self.saved: list[dict[str, Any]] = []

    def save(self, document: Mapping[str, Any]) -> str:
        self.saved.append(dict(document))
        return f"memory://{document['run_id']}"

    def latest(self, environment: str, operation: str) -> dict[str, Any] | None:
        found = [d for d in self.saved if d["environment"] == environment and d["operation"] == operation]
        return found[-1] if found else None


class FakeEngine:
    """Records every call in order; `hooks[(operation, layer)]` may block, fail or raise inside a call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.finished: list[tuple[str, str]] = []
        self.timeline: list[tuple[str, str, str]] = []  # (start|end, operation, layer), in the order they happened
        self.hooks: dict[tuple[str, str], Hook] = {}
        self.outputs_by_layer: dict[str, dict[str, Any]] = {}  # current outputs
        self.next_outputs: dict[str, dict[str, Any]] = {}  # what up sets (default: unchanged)
        self.pending: dict[str, tuple[str, ...]] = {}
        self.changes: dict[str, dict[str, int]] = {}
        self.existing: set[str] = set()
        self._lock = threading.Lock()

    def _call(self, operation: str, layer: LayerInput, on_event: EventSink) -> None:
        with self._lock:
            self.calls.append((operation, layer.name))
            self.timeline.append(("start", operation, layer.name))
        on_event(LayerStarted(layer.name, operation))
        hook = self.hooks.get((operation, layer.name))
        if hook:
            hook(layer)

    def _done(self, operation: str, layer: LayerInput, on_event: EventSink, changes: dict[str, int]) -> LayerResult:
        with self._lock:
            self.finished.append((operation, layer.name))
            self.timeline.append(("end", operation, layer.name))
        on_event(LayerFinished(layer.name, operation, sum(changes.values())))
        return LayerResult(layer.name, operation, "succeeded" if changes else "unchanged", changes=changes,
                           outputs=dict(self.outputs_by_layer.get(layer.name, {})))

    def preview(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerPlan:
        self._call("preview", layer, on_event)
        for op, count in self.changes.get(layer.name, {}).items():
            for i in range(count):
                on_event(ResourceProgress(layer.name, f"urn:{layer.name}:{op}:{i}", "aws:x:Y", op, "started"))
        self._done("preview", layer, on_event, {})
        return LayerPlan(name=layer.name, project=layer.project, stack=stack)

    def up(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerResult:
        self._call("up", layer, on_event)
        self.existing.add(layer.name)
        if layer.name in self.next_outputs:
            self.outputs_by_layer[layer.name] = self.next_outputs[layer.name]
        return self._done("up", layer, on_event, self.changes.get(layer.name, {"create": 1}))

    def destroy(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events, include_protected: bool = False) -> LayerResult:
        self._call("destroy", layer, on_event)
        return self._done("destroy", layer, on_event, {"delete": 1})

    def refresh(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerResult:
        self._call("refresh", layer, on_event)
        self.pending.pop(layer.name, None)
        return self._done("refresh", layer, on_event, {})

    def outputs(self, layer: LayerInput, *, stack: str, show_secrets: bool = False) -> dict[str, Any]:
        return dict(self.outputs_by_layer.get(layer.name, {}))

    def drift(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerResult:
        self._call("drift", layer, on_event)
        return self._done("drift", layer, on_event, {})

    def state(self, layer: LayerInput, *, stack: str) -> StackState:
        return StackState(layer.name, exists=layer.name in self.existing, pending_operations=self.pending.get(layer.name, ()))

    def unlock(self, layer: LayerInput, *, stack: str) -> None:
        self._call("unlock", layer, ignore_events)


def fail(message: str, urn: str | None = None) -> Hook:
    def hook(_layer: LayerInput) -> None:
        raise LayerOperationError(message, urn=urn)

    return hook
