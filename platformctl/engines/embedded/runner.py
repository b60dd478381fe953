"""The embedded engine: layer programs in-process under Pulumi's mock runtime, outputs chained from layer to layer."""

from __future__ import annotations

import importlib
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from platformctl.engines.base import EventSink, LayerFinished, LayerInput, LayerStarted, ignore_events, pulumi_config
from platformctl.engines.embedded.recorder import PlanMocks, Recorded, RecordingMonitor, redact
from platformctl.engines.embedded.sdk_internals import reset_runtime, root_exports, sync_await
from platformctl.engines.embedded.speedups import cyclic_gc_paused, without_source_positions
from platformctl.errors import StackProgramError
from platformctl.paths import stacks_import_root
from platformctl.plan.model import SECRET_MARKER, LayerPlan, PlanResource

ORGANIZATION = "organization"  # what the Pulumi backends call the org of a self-managed stack


@dataclass
class EmbeddedRun:
    """The shared state of one plan: outputs of the layers run so far."""

    stack: str
    stack_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    stack_secrets: dict[str, frozenset[str]] = field(default_factory=dict)  # which of those outputs are secret


class EmbeddedEngine:
    """The planning engine with no cloud: each layer's program() under mocks, in dependency order."""

    def plan(
        self,
        layers: Sequence[LayerInput],
        *,
        stack: str,
        upstream: Mapping[str, Mapping[str, Any]] | None = None,
        on_event: EventSink = ignore_events,
    ) -> list[LayerPlan]:
        """Run each layer's program() under mocks, upstream first, chaining outputs through StackReferences.

        Args:
            layers: the layers, upstream first.
            stack: the stack name (the environment).
            upstream: outputs of layers not run here, by project name (to plan one layer in isolation).
            on_event: receives LayerStarted and LayerFinished for each layer.
        Returns:
            One LayerPlan per layer, resources in URN order.
        Raises:
            StackProgramError: a program failed.
        """
        with cyclic_gc_paused():  # the imports below are most of what the collector would walk
            return _run_layers(layers, stack=stack, upstream=upstream, on_event=on_event)


def _run_layers(
    layers: Sequence[LayerInput], *, stack: str, upstream: Mapping[str, Mapping[str, Any]] | None, on_event: EventSink
) -> list[LayerPlan]:
    import pulumi  # noqa: F401 - paid once here, not at CLI start-up

    root = str(stacks_import_root())
    if root not in sys.path:
        sys.path.insert(0, root)
    state = EmbeddedRun(stack=stack)
    for project, outputs in (upstream or {}).items():
        state.stack_outputs[f"{ORGANIZATION}/{project}/{stack}"] = dict(outputs)
    plans = []
    with without_source_positions():
        for layer in layers:
            on_event(LayerStarted(layer.name, "plan"))
            planned = _run_one(layer, state)
            plans.append(planned)
            on_event(LayerFinished(layer.name, "plan", len(planned.resources)))
    return plans


def _run_one(layer: LayerInput, state: EmbeddedRun) -> LayerPlan:
    from pulumi import Output
    from pulumi.runtime import config as sdk_config
    from pulumi.runtime import mocks
    from pulumi.runtime.stack import run_pulumi_func

    try:
        module = importlib.import_module(layer.module)
    except ImportError as exc:
        raise StackProgramError(
            f"Cannot import the {layer.name} layer's program ({layer.module}): {exc}.", hint="Reinstall platformctl; the stacks folder is incomplete."
        ) from None

    config = pulumi_config(layer)
    reset_runtime(project=layer.project, stack=state.stack, organization=ORGANIZATION)
    sdk_config.set_all_config(config, [])
    monitor = RecordingMonitor(PlanMocks(region=layer.region, stack_outputs=state.stack_outputs, stack_secrets=state.stack_secrets))
    mocks.set_mocks(monitor.mocks, project=layer.project, stack=state.stack, preview=False, monitor=monitor, organization=ORGANIZATION)

    try:
        sync_await(run_pulumi_func(module.program))
        exported = root_exports()
        values = sync_await(Output.from_input(exported).future()) or {}
        secrets = {k for k, v in exported.items() if sync_await(Output.from_input(v).is_secret())}
    except StackProgramError:
        raise
    except Exception as exc:  # a program bug becomes one error naming the layer
        raise StackProgramError(
            f"The {layer.name} layer's program failed: {type(exc).__name__}: {exc}.",
            hint="Run `platformctl --traceback plan` for the stack trace; this is a bug in stacks/.",
        ) from exc

    _refuse_shared_urns(monitor.recorded, layer.name)
    outputs = {k: (SECRET_MARKER if k in secrets else redact(v)) for k, v in sorted(values.items())}
    state.stack_outputs[f"{ORGANIZATION}/{layer.project}/{state.stack}"] = values
    state.stack_secrets[f"{ORGANIZATION}/{layer.project}/{state.stack}"] = frozenset(secrets)
    return LayerPlan(
        name=layer.name,
        project=layer.project,
        stack=state.stack,
        depends_on=list(layer.depends_on),
        resources=_resolve_regions(monitor.recorded, layer.name, layer.region),
        outputs=outputs,
    )


def _refuse_shared_urns(recorded: list[Recorded], layer: str) -> None:
    """A URN names one resource: two with one URN would be one resource to Pulumi, and `up` refuses the program."""
    counts = Counter(r.urn for r in recorded)
    shared = sorted(urn for urn, n in counts.items() if n > 1)
    if shared:
        raise StackProgramError(
            f"The {layer} layer's program registered {counts[shared[0]]} resources with one URN, {shared[0]}"
            + (f", and {len(shared) - 1} more URNs twice." if len(shared) > 1 else "."),
            hint="Two resources of one type got one name: a name repeated in platform.yaml that no check caught, or a bug in stacks/.",
        )


def _resolve_regions(recorded: list[Recorded], layer: str, default_region: str) -> list[PlanResource]:
    """Give each resource the region of its provider: an explicit provider's, or the layer's default."""
    providers = {r.urn: r for r in recorded if r.type.startswith("pulumi:providers:")}
    by_urn = {r.urn: r for r in recorded}

    def region_of(resource: Recorded) -> str | None:
        provider = providers.get(resource.provider or "")
        if provider is None and resource.parent in by_urn and not resource.custom:
            return None  # a component: its children say where they are
        if provider is not None:
            value = provider.inputs.get("region")
            return value if isinstance(value, str) else default_region
        if resource.type.startswith("pulumi:providers:"):
            value = resource.inputs.get("region")
            return value if isinstance(value, str) else default_region
        return default_region if resource.custom else None

    return [
        PlanResource(
            urn=r.urn,
            type=r.type,
            name=r.name,
            layer=layer,
            region=region_of(r),
            custom=r.custom,
            parent=r.parent,
            provider=r.provider,
            dependencies=r.dependencies,
            protect=r.protect,
            inputs=r.inputs,
        )
        # Registration order depends on thread timing; the URN order does not.
        for r in sorted(recorded, key=lambda r: r.urn)
    ]
