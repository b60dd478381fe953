"""A pool over the layer graph: a layer starts as soon as what it depends on has succeeded, `parallel` at a time.

Not waves: with network → cluster → addons and identity independent, identity runs beside network
and addons starts the moment cluster is done. A failed layer blocks its dependents; independent layers
finish. `fail_fast` starts nothing new after a failure. A held lock is waited for with backoff on the
injected clock, up to `wait_for_lock`. The first cancel request stops starting layers and lets those in
flight finish; the second abandons them. Nothing is ever rolled back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace

from platformctl.core.run_events import LayerSettled, LockWaiting, RunEvent, RunNotice
from platformctl.engines.base import LayerInput, LayerOperationError, LayerResult, StackLockedError
from platformctl.errors import PlatformctlError
from platformctl.system import Clock

FIRST_LOCK_RETRY = 5.0
LONGEST_LOCK_RETRY = 60.0
_TICK = 0.1
DONE = {"succeeded", "unchanged"}

Action = Callable[[LayerInput], LayerResult]
PullIn = Callable[[LayerInput, LayerResult], Sequence[LayerInput]]


class CancelSignal:
    """Ctrl-C as the run sees it; the CLI's signal handler calls `request()`."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    def request(self) -> int:
        with self._lock:
            self._count += 1
            return self._count

    @property
    def requests(self) -> int:
        return self._count


@dataclass
class LayerOutcome:
    """One layer's line in the run record."""

    layer: str
    status: str = "pending"
    started: float | None = None
    ended: float | None = None
    result: LayerResult | None = None
    reason: str = ""  # run error, ancestor error, interrupted, fail-fast, pulled in: …
    cause: str = ""  # the layer whose failure blocked this one
    error: str | None = None
    error_urn: str | None = None


@dataclass(frozen=True)
class SchedulerOptions:
    parallel: int = 3
    fail_fast: bool = False
    wait_for_lock: float = 0.0  # seconds
    reverse: bool = False  # destroy: a layer goes once everything that depends on it has gone


@dataclass
class _Run:
    layers: dict[str, LayerInput]
    order: list[str]
    outcomes: dict[str, LayerOutcome] = field(default_factory=dict)
    stopping: str = ""  # why no new layer starts


def run_graph(
    layers: Sequence[LayerInput],
    *,
    action: Action,
    options: SchedulerOptions,
    clock: Clock,
    cancel: CancelSignal,
    on_event: Callable[[RunEvent], None],
    pull_in: PullIn | None = None,
) -> list[LayerOutcome]:
    """Run `action` on every layer in dependency order (reverse for destroy) and return each one's outcome, in table order."""
    run = _Run(layers={layer.name: layer for layer in layers}, order=[layer.name for layer in layers])
    run.outcomes = {name: LayerOutcome(name) for name in run.order}
    running: dict[Future[LayerOutcome], str] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, options.parallel), thread_name_prefix="layer")
    try:
        while True:
            _settle_blocked(run, options, on_event)
            if cancel.requests and not run.stopping:
                run.stopping = "interrupted"
                waiting = [n for n in run.order if run.outcomes[n].status == "pending"]
                on_event(RunNotice(f"Stopping after the operations in flight ({', '.join(running.values()) or 'none'}); "
                                   f"not starting: {', '.join(waiting) or 'nothing'}. Press Ctrl-C again to abandon them.", severity="warning"))
            if cancel.requests >= 2:
                on_event(RunNotice(f"Abandoning {', '.join(running.values()) or 'nothing'}: resources being changed may be orphaned "
                                   "or left pending; the next `up` refreshes them first.", severity="warning"))
                for name in running.values():
                    _settle(run, name, "cancelled", "abandoned", on_event, clock)
                break
            if not run.stopping:
                for name in _ready(run, options):
                    if len(running) >= options.parallel:
                        break
                    outcome = run.outcomes[name]
                    outcome.status, outcome.started = "running", clock.now()
                    running[pool.submit(_attempt, run.layers[name], action, options, clock, cancel, on_event)] = name
            if not running:
                break
            finished, _ = wait(list(running), timeout=_TICK, return_when=FIRST_COMPLETED)
            for future in finished:
                name = running.pop(future)
                done = future.result()
                previous = run.outcomes[name]
                run.outcomes[name] = replace(done, started=previous.started, ended=clock.now(), reason=done.reason or previous.reason)
                if done.status == "failed" and options.fail_fast and not run.stopping:
                    run.stopping = "fail-fast"
                    on_event(RunNotice(f"--fail-fast: {name} failed, starting no other layer.", severity="warning"))
                if done.status == "failed" and cancel.requests:
                    run.outcomes[name].status = "cancelled"
                on_event(_settled(run.outcomes[name]))
                if pull_in and done.result and done.status in DONE:
                    _pull_in(run, pull_in(run.layers[name], done.result), name, on_event)
        for name in run.order:
            if run.outcomes[name].status == "pending":
                _settle(run, name, "cancelled", run.stopping or "not started", on_event, clock)
    finally:
        pool.shutdown(wait=cancel.requests < 2, cancel_futures=True)
    return [run.outcomes[name] for name in run.order]


def _upstream(run: _Run, name: str, options: SchedulerOptions) -> list[str]:
    if options.reverse:
        return [other for other in run.order if name in run.layers[other].depends_on]
    return [dep for dep in run.layers[name].depends_on if dep in run.layers]


def _ready(run: _Run, options: SchedulerOptions) -> list[str]:
    return [
        name for name in run.order
        if run.outcomes[name].status == "pending" and all(run.outcomes[dep].status in DONE for dep in _upstream(run, name, options))
    ]


def _settle_blocked(run: _Run, options: SchedulerOptions, on_event: Callable[[RunEvent], None]) -> None:
    changed = True
    while changed:  # blocking spreads down the graph
        changed = False
        for name in run.order:
            outcome = run.outcomes[name]
            if outcome.status != "pending":
                continue
            bad = [dep for dep in _upstream(run, name, options) if run.outcomes[dep].status in {"failed", "blocked", "cancelled"}]
            if bad:
                cause = run.outcomes[bad[0]].cause or bad[0]
                outcome.status, outcome.reason, outcome.cause = "blocked", "ancestor error", cause
                on_event(_settled(outcome))
                changed = True


def _settle(run: _Run, name: str, status: str, reason: str, on_event: Callable[[RunEvent], None], clock: Clock) -> None:
    outcome = run.outcomes[name]
    outcome.status, outcome.reason = status, reason
    if outcome.started is not None and outcome.ended is None:
        outcome.ended = clock.now()
    on_event(_settled(outcome))


def _settled(outcome: LayerOutcome) -> LayerSettled:
    reason = outcome.reason if not outcome.cause else f"{outcome.reason}: {outcome.cause}"
    return LayerSettled(outcome.layer, outcome.status, reason, outcome.error, outcome.error_urn)


def _pull_in(run: _Run, extra: Sequence[LayerInput], because: str, on_event: Callable[[RunEvent], None]) -> None:
    added = [layer for layer in extra if layer.name not in run.layers]
    for layer in added:
        run.layers[layer.name] = layer
        run.order.append(layer.name)
        run.outcomes[layer.name] = LayerOutcome(layer.name, reason=f"pulled in: {because}'s outputs changed")
    if added:
        on_event(RunNotice(f"{because}'s outputs changed: pulling in {', '.join(layer.name for layer in added)}, which read them.", layer=because))


def _attempt(
    layer: LayerInput, action: Action, options: SchedulerOptions, clock: Clock, cancel: CancelSignal, on_event: Callable[[RunEvent], None]
) -> LayerOutcome:
    began = clock.monotonic()
    delay = FIRST_LOCK_RETRY
    while True:
        try:
            result = action(layer)
            return LayerOutcome(layer.name, status=result.status, result=result, error=result.error, error_urn=result.error_urn,
                                reason="run error" if result.status == "failed" else "")
        except StackLockedError as locked:
            waited = clock.monotonic() - began
            if cancel.requests:
                return LayerOutcome(layer.name, status="cancelled", reason="interrupted while waiting for a lock", error=locked.message)
            if waited + delay > options.wait_for_lock:
                note = f" after waiting {waited:.0f}s" if waited else ""
                return LayerOutcome(layer.name, status="failed", reason="lock held", error=f"{locked.message}{note}")
            on_event(LockWaiting(layer.name, locked.holders, waited, delay))
            clock.sleep(delay)
            delay = min(delay * 2, LONGEST_LOCK_RETRY)
        except LayerOperationError as failed:
            return LayerOutcome(layer.name, status="failed", reason="run error", error=failed.message, error_urn=failed.urn)
        except PlatformctlError as failed:
            return LayerOutcome(layer.name, status="failed", reason="run error", error=failed.message)
