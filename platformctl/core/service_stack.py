"""The service stack use cases: plan a service's platform resources offline, apply or destroy them on the cloud engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from platformctl.config.loader import LoadedPlatform, load_platform
from platformctl.config.service_file import ServiceManifest, load_service
from platformctl.config.stack_config.service import build as service_config
from platformctl.config.stack_config.service import platform_namespaces
from platformctl.core.planning import check_environment, layer_inputs
from platformctl.engines.base import EventSink, LayerInput, LayerResult, LifecycleEngine, PlanningEngine, ignore_events
from platformctl.errors import PlatformctlError, UsageError
from platformctl.plan.model import Plan

if TYPE_CHECKING:
    from platformctl.policies.evaluate import PolicyReport

LifecycleFactory = Callable[[], LifecycleEngine]


@dataclass(frozen=True)
class ServiceRequest:
    """Which service (its folder) in which environment, against which platform.yaml."""

    env: str
    service_dir: Path = Path(".")
    platform_file: Path | None = None  # None: ./platform.yaml, else the built-in sample
    cwd: Path = Path(".")


@dataclass(frozen=True)
class ServiceTarget:
    """A checked request: the platform, the service and the engine input of its stack."""

    loaded: LoadedPlatform
    manifest: ServiceManifest
    stack: LayerInput


@dataclass(frozen=True)
class ServicePlanOutcome:
    plan: Plan  # the same document as a layer plan, with the service's stack as its one layer
    is_sample: bool
    verdicts: PolicyReport | None = None  # the rules that read single resources (a service stack is not the whole platform)


@dataclass(frozen=True)
class ServiceApplyOutcome:
    operation: Literal["up", "destroy"]
    service: str
    env: str
    result: LayerResult


def _service_definitions() -> tuple[str, str, tuple[str, ...]]:
    """The project prefix, program module and dependencies of service stacks, from the layer table."""
    from platformctl.engines.layers import layer_table

    layer_table()  # puts the stacks folder on sys.path
    from stacks.layer_table import SERVICE_DEPENDS_ON, SERVICE_MODULE, SERVICE_PROJECT_PREFIX

    return SERVICE_PROJECT_PREFIX, SERVICE_MODULE, tuple(layer.value for layer in SERVICE_DEPENDS_ON)


def resolve(request: ServiceRequest) -> ServiceTarget:
    """Load and check everything a service command needs before anything runs.

    Raises:
        UsageError: no service.yaml, an unknown environment, or a name a platform namespace already has.
        ConfigError: a broken platform.yaml or service.yaml.
    """
    loaded = load_platform(request.platform_file, cwd=request.cwd)
    check_environment(loaded, request.env)
    manifest = load_service(request.service_dir)
    taken = platform_namespaces(loaded.platform)
    if manifest.name in taken:
        raise UsageError(
            f"The service name '{manifest.name}' is a namespace the platform owns, and a service gets a namespace of its own name.",
            hint=f"Rename the service in service.yaml; taken: {', '.join(sorted(taken))}.",
        )
    prefix, module, depends_on = _service_definitions()
    project = f"{prefix}{manifest.name}"
    stack = LayerInput(
        name=project,
        project=project,
        module=module,
        config=service_config(loaded.platform, request.env, manifest),
        region=loaded.platform.regions.primary,
        depends_on=depends_on,
    )
    return ServiceTarget(loaded=loaded, manifest=manifest, stack=stack)


def plan_service(
    request: ServiceRequest, *, engine: PlanningEngine, on_event: EventSink = ignore_events, judge_on: date | None = None
) -> ServicePlanOutcome:
    """Plan what `service up` would create, offline: the layers it reads are planned first and feed its StackReferences.

    Returns:
        A plan document whose one layer is the service's stack.
    Raises:
        UsageError, ConfigError: see `resolve`; StackProgramError: a stack program failed.
    """
    target = resolve(request)
    upstream = layer_inputs(target.loaded, request.env, list(target.stack.depends_on))
    plans = engine.plan([*upstream, target.stack], stack=request.env, on_event=on_event)
    platform = target.loaded.platform
    plan = Plan(
        environment=request.env,
        organisation=platform.organisation,
        primary_region=platform.regions.primary,
        dr_region=platform.regions.dr,
        source=f"{target.loaded.source} + {request.service_dir / 'service.yaml'}",
        layers=[p for p in plans if p.project == target.stack.project],
    )
    verdicts = None
    if judge_on is not None:
        from platformctl.core.policy_check import check_plan

        verdicts = check_plan(plan=plan, loaded=target.loaded, today=judge_on, partial=True)
    return ServicePlanOutcome(plan=plan, is_sample=target.loaded.is_sample, verdicts=verdicts)


def apply_service(
    request: ServiceRequest, *, operation: Literal["up", "destroy"], engine_factory: LifecycleFactory, on_event: EventSink = ignore_events
) -> ServiceApplyOutcome:
    """Create or update (`up`) or delete (`destroy`) a service's stack on the cloud engine.

    Input is checked before the engine is built, so bad input never reaches the cloud.

    Raises:
        UsageError, ConfigError: see `resolve`; PlatformctlError: the engine reported the stack failed.
    """
    target = resolve(request)
    engine = engine_factory()
    run = engine.up if operation == "up" else engine.destroy
    result = run(target.stack, stack=request.env, on_event=on_event)
    if result.status == "failed":
        raise PlatformctlError(
            f"{operation} of {target.stack.project} ({request.env}) failed: {result.error or 'the engine gave no reason'}.",
            hint="Fix the cause and run it again: Pulumi resumes from what was created."
            + (f" First failing resource: {result.error_urn}." if result.error_urn else ""),
        )
    return ServiceApplyOutcome(operation=operation, service=target.manifest.name, env=request.env, result=result)
