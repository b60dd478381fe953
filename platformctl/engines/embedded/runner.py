"""Runs layer programs in-process under Pulumi's mock runtime, chaining outputs from layer to layer."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from platformctl.engines.embedded.recorder import PlanMocks, Recorded, RecordingMonitor, redact
from platformctl.engines.embedded.speedups import cyclic_gc_paused, without_source_positions
from platformctl.errors import StackProgramError
from platformctl.paths import stacks_import_root
from platformctl.plan.model import LayerPlan, PlanResource

ORGANIZATION = "organization"  # what the Pulumi backends call the org of a self-managed stack


@dataclass(frozen=True)
class LayerRun:
    """What the engine needs to run one layer."""

    name: str
    project: str
    module: str  # e.g. stacks.network.program
    config: dict[str, Any]  # project-namespaced keys are added by the runner
    secret_keys: frozenset[str] = frozenset()
    depends_on: tuple[str, ...] = ()
    region: str = "us-east-1"


@dataclass
class EmbeddedRun:
    """The shared state of one plan: outputs of the layers run so far."""

    stack: str
    stack_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    stack_secrets: dict[str, frozenset[str]] = field(default_factory=dict)  # which of those outputs are secret


ProgressCallback = Callable[[str, str], None]


def run_layers(
    runs: Iterable[LayerRun],
    *,
    stack: str,
    upstream: dict[str, dict[str, Any]] | None = None,
    on_progress: ProgressCallback | None = None,
) -> list[LayerPlan]:
    """Run each layer's program() under mocks, in the given (dependency) order.

    Args:
        runs: the layers, upstream first.
        stack: the stack name (the environment).
        upstream: outputs of layers not run here, by project name (to plan one layer in isolation).
        on_progress: called with (layer, "start" | "done").
    Returns:
        One LayerPlan per layer, resources in registration order.
    Raises:
        StackProgramError: a program failed.
    """
    with cyclic_gc_paused():  # the imports below are most of what the collector would walk
        return _run_layers(runs, stack=stack, upstream=upstream, on_progress=on_progress)


def _run_layers(
    runs: Iterable[LayerRun], *, stack: str, upstream: dict[str, dict[str, Any]] | None, on_progress: ProgressCallback | None
) -> list[LayerPlan]:
    import pulumi  # noqa: F401 - paid once here, not at CLI start-up

    root = str(stacks_import_root())
    if root not in sys.path:
        sys.path.insert(0, root)
    state = EmbeddedRun(stack=stack)
    for project, outputs in (upstream or {}).items():
        state.stack_outputs[f"{ORGANIZATION}/{project}/{stack}"] = outputs
    plans = []
    with without_source_positions():
        for run in runs:
            if on_progress:
                on_progress(run.name, "start")
            plans.append(_run_one(run, state))
            if on_progress:
                on_progress(run.name, "done")
    return plans


def _run_one(run: LayerRun, state: EmbeddedRun) -> LayerPlan:
    from pulumi import Output
    from pulumi.runtime import config as pulumi_config
    from pulumi.runtime import mocks, settings
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    try:
        module = importlib.import_module(run.module)
    except ImportError as exc:
        raise StackProgramError(f"Cannot import the {run.name} layer's program ({run.module}): {exc}.", hint="Reinstall platformctl; the stacks folder is incomplete.") from None

    config = {"aws:region": run.region}
    config.update({_namespaced(run.project, k): _config_value(v) for k, v in run.config.items()})
    secret_keys = [_namespaced(run.project, k) for k in run.secret_keys]
    settings.reset_options(project=run.project, stack=state.stack, organization=ORGANIZATION)
    settings.SETTINGS.rpc_manager.clear()
    settings.SETTINGS.outputs.clear()
    pulumi_config.set_all_config(config, secret_keys)
    monitor = RecordingMonitor(PlanMocks(region=run.region, stack_outputs=state.stack_outputs, stack_secrets=state.stack_secrets))
    mocks.set_mocks(monitor.mocks, project=run.project, stack=state.stack, preview=False, monitor=monitor, organization=ORGANIZATION)

    try:
        _sync_await(run_pulumi_func(module.program))
        root = settings.get_root_resource()
        exported = dict(root.outputs) if root is not None else {}
        values = _sync_await(Output.from_input(exported).future()) or {}
        secrets = {k for k, v in exported.items() if _sync_await(Output.from_input(v).is_secret())}
    except StackProgramError:
        raise
    except Exception as exc:
        raise StackProgramError(f"The {run.name} layer's program failed: {type(exc).__name__}: {exc}.", hint="Run with --traceback for the stack trace; this is a bug in stacks/.") from exc

    outputs = {k: ("[secret]" if k in secrets else redact(v)) for k, v in sorted(values.items())}
    state.stack_outputs[f"{ORGANIZATION}/{run.project}/{state.stack}"] = values
    state.stack_secrets[f"{ORGANIZATION}/{run.project}/{state.stack}"] = frozenset(secrets)
    return LayerPlan(
        name=run.name,
        project=run.project,
        stack=state.stack,
        depends_on=list(run.depends_on),
        resources=_resolve_regions(monitor.recorded, run.name, run.region),
        outputs=outputs,
    )


def _namespaced(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _config_value(value: Any) -> str:
    import json

    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


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
