"""The `preview` use case: a real Pulumi preview of each layer, gathered into the plan document `plan` writes."""

from __future__ import annotations

import threading

from platformctl.core.layer_runs import RunContext, load, selected_layers
from platformctl.core.lifecycle import GraphRequest
from platformctl.core.scheduler import LayerOutcome, run_graph
from platformctl.engines.base import CloudEngine, LayerInput, LayerResult
from platformctl.plan.model import LayerPlan, Plan


def preview_platform(request: GraphRequest, *, engine: CloudEngine, context: RunContext) -> tuple[Plan, list[LayerOutcome]]:
    """Preview the selected layers against their real state; a layer that fails is reported, the others still appear.

    Returns:
        The plan document (same schema as `plan`; values only the cloud knows stay unknown) and each layer's outcome.
    Raises:
        UsageError: unknown environment or layer.
    """
    loaded = load(request.platform_file, request.cwd)
    layers = selected_layers(loaded, request.env, request.layers)
    plans: dict[str, LayerPlan] = {}
    lock = threading.Lock()

    def preview(layer: LayerInput) -> LayerResult:
        found = engine.preview(layer, stack=request.env, on_event=context.on_event)
        with lock:
            plans[layer.name] = found
        return LayerResult(layer.name, "preview", "succeeded" if found.resources else "unchanged")

    outcomes = run_graph(layers, action=preview, options=request.options(), clock=context.clock, cancel=context.cancel, on_event=context.on_event)
    platform = loaded.platform
    plan = Plan(
        environment=request.env,
        organisation=platform.organisation,
        primary_region=platform.regions.primary,
        dr_region=platform.regions.dr,
        source=loaded.source,
        layers=[plans[layer.name] for layer in layers if layer.name in plans],
    )
    return plan, outcomes
