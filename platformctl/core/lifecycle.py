"""`destroy`, `refresh` and `drift`: the same layer graph and run record as `up` (destroy walks it in reverse)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformctl.config.loader import LoadedPlatform
from platformctl.core.layer_runs import RunContext, RunOutcome, load, run_and_record, selected_layers
from platformctl.core.scheduler import SchedulerOptions
from platformctl.engines.base import CloudEngine, LayerInput, LayerResult
from platformctl.engines.layers import dependents_of
from platformctl.errors import UsageError


@dataclass(frozen=True)
class GraphRequest:
    env: str
    layers: tuple[str, ...] = ()
    parallel: int = 3
    fail_fast: bool = False
    wait_for_lock: float = 0.0
    platform_file: Path | None = None
    cwd: Path = Path(".")

    def options(self, *, reverse: bool = False) -> SchedulerOptions:
        return SchedulerOptions(parallel=self.parallel, fail_fast=self.fail_fast, wait_for_lock=self.wait_for_lock, reverse=reverse)


def destroy_platform(request: GraphRequest, *, engine: CloudEngine, context: RunContext, include_protected: bool = False) -> RunOutcome:
    """Destroy the layers, dependents first; protected resources are retained (and listed) unless `include_protected`.

    Raises:
        UsageError: unknown environment or layer; a selected layer is still read by a layer that exists and is not selected.
    """
    loaded = load(request.platform_file, request.cwd)
    layers = selected_layers(loaded, request.env, request.layers)
    if request.layers:
        _refuse_orphaning_readers(loaded, request.env, layers, engine)

    def destroy(layer: LayerInput) -> LayerResult:
        return engine.destroy(layer, stack=request.env, on_event=context.on_event, include_protected=include_protected)

    return run_and_record(layers, operation="destroy", env=request.env, action=destroy, options=request.options(reverse=True), context=context)


def _refuse_orphaning_readers(loaded: LoadedPlatform, env: str, layers: list[LayerInput], engine: CloudEngine) -> None:
    # A StackReference does not stop Pulumi from destroying what another layer still reads: we do.
    chosen = {layer.name for layer in layers}
    readers = sorted({d.name for layer in layers for d in dependents_of(layer.name) if d.name not in chosen})
    alive = [layer.name for layer in selected_layers(loaded, env, readers) if engine.state(layer, stack=env).exists] if readers else []
    if alive:
        flags = " ".join(f"--layer {name}" for name in [*alive, *sorted(chosen)])
        raise UsageError(f"{', '.join(sorted(chosen))} of {env} is still read by {', '.join(alive)}, which exist.",
                         hint=f"Destroy those first, or together: `platformctl destroy --env {env} {flags}`.")


def refresh_platform(request: GraphRequest, *, engine: CloudEngine, context: RunContext) -> RunOutcome:
    """Adopt what the cloud really has into each layer's state."""
    layers = selected_layers(load(request.platform_file, request.cwd), request.env, request.layers)

    def refresh(layer: LayerInput) -> LayerResult:
        return engine.refresh(layer, stack=request.env, on_event=context.on_event)

    return run_and_record(layers, operation="refresh", env=request.env, action=refresh, options=request.options(), context=context)


def detect_drift(request: GraphRequest, *, engine: CloudEngine, context: RunContext) -> RunOutcome:
    """A refresh preview per layer: what changed in the cloud behind Pulumi's back (the record's `drifted` lists)."""
    layers = selected_layers(load(request.platform_file, request.cwd), request.env, request.layers)

    def drift(layer: LayerInput) -> LayerResult:
        return engine.drift(layer, stack=request.env, on_event=context.on_event)

    return run_and_record(layers, operation="drift", env=request.env, action=drift, options=request.options(), context=context)
