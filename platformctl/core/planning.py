"""The plan use case: load platform.yaml, run the selected layers on a planning engine, return the plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformctl.config.loader import LoadedPlatform, load_platform
from platformctl.config.stack_config import layer_config
from platformctl.engines.base import EventSink, LayerInput, PlanningEngine, ignore_events
from platformctl.engines.layers import with_dependencies
from platformctl.errors import UsageError
from platformctl.plan.model import Plan

if TYPE_CHECKING:
    from platformctl.policies.evaluate import PolicyReport


@dataclass(frozen=True)
class PlanRequest:
    """What a person asked to plan."""

    env: str
    layers: tuple[str, ...] = ()  # empty: every layer
    platform_file: Path | None = None  # None: ./platform.yaml, else the built-in sample
    cwd: Path = Path(".")
    judge_on: date | None = None  # judge the plan by every policy rule, waivers as of this day (the clock's); None: do not


@dataclass(frozen=True)
class PlanOutcome:
    """The plan and what the CLI says about where it came from; policies, cost and diffs hang off it."""

    plan: Plan
    is_sample: bool
    verdicts: PolicyReport | None = None


def check_environment(loaded: LoadedPlatform, env: str) -> None:
    """Raise a UsageError naming the valid environments when env is not one of them."""
    valid = list(loaded.platform.environments)
    if env not in valid:
        raise UsageError(f"There is no environment '{env}' in {loaded.source}.", hint=f"Choose one of: {', '.join(valid)}.")


def policy_environment(loaded: LoadedPlatform, env: str) -> dict[str, str]:
    """What the CrossGuard pack needs to judge this environment's stacks the way `plan` judges its plan."""
    from platformctl.config.env_vars import POLICY_CONTEXT
    from platformctl.policies.context import context_for
    from platformctl.policies.crossguard.validators import context_to_env

    return {POLICY_CONTEXT: context_to_env(context_for(loaded.platform, env))}


def layer_inputs(loaded: LoadedPlatform, env: str, layers: list[str] | None = None) -> list[LayerInput]:
    """The selected layers (with everything they depend on) as engine inputs, upstream first.

    Raises:
        UsageError: unknown environment or layer.
    """
    check_environment(loaded, env)
    platform = loaded.platform
    return [
        LayerInput(
            name=definition.name,
            project=definition.project,
            module=definition.module,
            config=layer_config(platform, env, definition.name),
            region=platform.regions.primary,
            depends_on=tuple(dependency.value for dependency in definition.depends_on),
            engine_env=policy_environment(loaded, env),
        )
        for definition in with_dependencies(layers)
    ]


def plan_platform(request: PlanRequest, *, engine: PlanningEngine, on_event: EventSink = ignore_events) -> PlanOutcome:
    """Plan what `up` would build for one environment, without AWS or the Pulumi CLI.

    Args:
        request: the environment, layers and platform.yaml to plan.
        engine: the planning engine (the composition root's; fakes in tests).
        on_event: receives the engine's progress events.
    Returns:
        The plan document, and whether the built-in sample was planned.
    Raises:
        UsageError: unknown environment or layer; ConfigError: a broken platform.yaml.
        StackProgramError: a stack program failed.
    """
    loaded = load_platform(request.platform_file, cwd=request.cwd)
    plan = build_plan(loaded=loaded, env=request.env, layers=list(request.layers) or None, engine=engine, on_event=on_event)
    verdicts = None
    if request.judge_on is not None:
        from platformctl.core.policy_check import check_plan

        verdicts = check_plan(plan=plan, loaded=loaded, today=request.judge_on)
    return PlanOutcome(plan=plan, is_sample=loaded.is_sample, verdicts=verdicts)


def build_plan(
    *,
    loaded: LoadedPlatform,
    env: str,
    engine: PlanningEngine,
    layers: list[str] | None = None,
    upstream: dict[str, dict[str, Any]] | None = None,
    on_event: EventSink = ignore_events,
) -> Plan:
    """Run the selected layers (and what they need) on the engine and wrap them in a plan document.

    `upstream` gives recorded outputs of layers by project: those layers are not run again unless
    selected, so one layer can be planned in isolation.
    """
    inputs = layer_inputs(loaded, env, layers)
    if upstream:
        inputs = [i for i in inputs if i.project not in upstream or (layers and i.name in layers)]
    platform = loaded.platform
    return Plan(
        environment=env,
        organisation=platform.organisation,
        primary_region=platform.regions.primary,
        dr_region=platform.regions.dr,
        source=loaded.source,
        layers=engine.plan(inputs, stack=env, upstream=upstream, on_event=on_event),
    )
