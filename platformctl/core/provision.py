"""The `up` use case: preview, ask, apply the layer graph, pull in stale dependents, resume what failed."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from platformctl.core.layer_runs import RunContext, RunOutcome, load, run_and_record, selected_layers
from platformctl.core.run_events import RunNotice
from platformctl.core.run_record import RunRecord, outputs_digest
from platformctl.core.scheduler import CancelSignal, SchedulerOptions, run_graph
from platformctl.engines.base import CloudEngine, EngineEvent, LayerInput, LayerResult, ResourceProgress
from platformctl.engines.layers import dependents_of
from platformctl.errors import UsageError

RESUMABLE = {"failed", "blocked", "cancelled"}


@dataclass(frozen=True)
class UpRequest:
    env: str
    layers: tuple[str, ...] = ()  # empty: every layer
    parallel: int = 3
    fail_fast: bool = False
    wait_for_lock: float = 0.0
    resume: bool = False
    pull_stale: bool = True  # pull dependents whose inputs changed into the run; False: only report them
    preview_first: bool = True  # False with --yes: no question to ask, so no preview to show
    platform_file: Path | None = None
    cwd: Path = Path(".")


@dataclass(frozen=True)
class LayerPreview:
    """What a layer's preview would change, or why it could not be previewed yet."""

    layer: str
    changes: dict[str, int] = field(default_factory=dict)
    deferred_until: str | None = None  # an upstream layer with changes: its outputs are not known before it is applied
    error: str | None = None


Confirm = Callable[[list[LayerPreview]], bool]


@dataclass(frozen=True)
class UpOutcome:
    run: RunOutcome | None  # None: the person said no, or there was nothing to do
    previews: list[LayerPreview] = field(default_factory=list)
    nothing_to_resume: bool = False


def provision(request: UpRequest, *, engine: CloudEngine, context: RunContext, confirm: Confirm) -> UpOutcome:
    """Bring the environment's layers to what platform.yaml says.

    Args:
        request: environment, layers and run options.
        engine: the cloud engine; context: records, clock, cancel signal and event sink.
        confirm: shown the previews, says whether to apply (the CLI asks; --yes answers).
    Returns:
        The run's record (saved with the state), or no run when declined or there was nothing to resume.
    Raises:
        UsageError: unknown environment or layer; --resume without an earlier run.
    """
    loaded = load(request.platform_file, request.cwd)
    names = list(request.layers)
    if request.resume and names:
        raise UsageError("--resume reruns the last run's failed and blocked layers: it takes no --layer.", hint="Drop one of the two.")
    if request.resume:
        last = context.records.latest(request.env, "up")
        if last is None:
            raise UsageError(f"There is no earlier run of `up` for {request.env} to resume.", hint=f"Run `platformctl up --env {request.env}`.")
        names = [e.name for e in RunRecord.from_document(last).layers if e.status in RESUMABLE]
        if not names:
            return UpOutcome(run=None, nothing_to_resume=True)
        context.on_event(RunNotice(f"Resuming run {last['run_id']}: {', '.join(names)}."))
    layers = selected_layers(loaded, request.env, names)
    options = SchedulerOptions(parallel=request.parallel, fail_fast=request.fail_fast, wait_for_lock=request.wait_for_lock)

    previews: list[LayerPreview] = []
    if request.preview_first:
        previews = preview_changes(layers, engine=engine, env=request.env, options=options, context=context)
        if not confirm(previews):
            return UpOutcome(run=None, previews=previews)

    stale_readers: dict[str, list[str]] = {}  # layer -> existing stacks that read its outputs, when they changed
    stale: list[str] = []
    lock = threading.Lock()
    selected = {layer.name for layer in layers}

    def apply(layer: LayerInput) -> LayerResult:
        state = engine.state(layer, stack=request.env)
        before = None
        if state.exists:
            if state.pending_operations:
                context.on_event(RunNotice(
                    f"An interrupted update left {len(state.pending_operations)} pending operation(s) "
                    f"({state.pending_operations[0]}): refreshing {layer.name} first.", layer=layer.name, severity="warning"))
                engine.refresh(layer, stack=request.env, on_event=context.on_event)
            before = outputs_digest(engine.outputs(layer, stack=request.env))
        result = engine.up(layer, stack=request.env, on_event=context.on_event)
        if outputs_digest(result.outputs) != before:
            # Only stacks that exist read stale values; a reader not yet created is not stale, just absent.
            readers = [r for r in _direct_readers(layer.name) if r.name not in selected and engine.state(r, stack=request.env).exists]
            with lock:
                stale_readers[layer.name] = [r.name for r in readers]
        return result

    def pull_in(layer: LayerInput, _result: LayerResult) -> Sequence[LayerInput]:
        with lock:
            readers = stale_readers.get(layer.name, [])
        if not readers:
            return ()
        if not request.pull_stale:
            with lock:
                stale.extend(name for name in readers if name not in stale)
            context.on_event(RunNotice(f"{layer.name}'s outputs changed: {', '.join(readers)} now read stale values "
                                       f"(`platformctl up --env {request.env} {' '.join('--layer ' + r for r in readers)}`).",
                                       layer=layer.name, severity="warning"))
            return ()
        return selected_layers(loaded, request.env, readers)

    def _direct_readers(name: str) -> list[LayerInput]:
        names = [d.name for d in dependents_of(name) if name in {dep.value for dep in d.depends_on}]
        return selected_layers(loaded, request.env, names) if names else []

    run = run_and_record(layers, operation="up", env=request.env, action=apply, options=options, context=context,
                         pull_in=pull_in, stale=lambda: sorted(stale))
    return UpOutcome(run=run, previews=previews)


def preview_changes(
    layers: Sequence[LayerInput], *, engine: CloudEngine, env: str, options: SchedulerOptions, context: RunContext
) -> list[LayerPreview]:
    """Preview each layer whose upstream layers have no pending changes; the others wait for those to be applied."""
    found: dict[str, LayerPreview] = {}
    lock = threading.Lock()

    def preview(layer: LayerInput) -> LayerResult:
        with lock:
            pending_upstream = [dep for dep in layer.depends_on if dep in found and (_changing(found[dep]) or found[dep].deferred_until)]
        if pending_upstream:
            entry = LayerPreview(layer.name, deferred_until=pending_upstream[0])
        else:
            counts: dict[str, int] = {}

            def count(event: EngineEvent) -> None:
                if isinstance(event, ResourceProgress) and event.state == "started" and event.op != "same":
                    counts[event.op] = counts.get(event.op, 0) + 1
                context.on_event(event)

            engine.preview(layer, stack=env, on_event=count)
            entry = LayerPreview(layer.name, changes=counts)
        with lock:
            found[layer.name] = entry
        return LayerResult(layer.name, "preview", "unchanged")

    outcomes = run_graph(layers, action=preview, options=options, clock=context.clock, cancel=context.cancel, on_event=context.on_event)
    for outcome in outcomes:
        if outcome.status == "failed":
            found[outcome.layer] = LayerPreview(outcome.layer, error=outcome.error)
    return [found.get(layer.name, LayerPreview(layer.name, error="not previewed")) for layer in layers]


def _changing(preview: LayerPreview) -> bool:
    return any(count for count in preview.changes.values())


__all__ = ["CancelSignal", "Confirm", "LayerPreview", "UpOutcome", "UpRequest", "preview_changes", "provision"]
