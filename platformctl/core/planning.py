"""The plan use case: run the selected layers on the embedded engine and return the plan document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from platformctl.config.loader import LoadedPlatform
from platformctl.config.stack_config import layer_config
from platformctl.engines.layers import with_dependencies
from platformctl.errors import UsageError
from platformctl.plan.model import Plan


def check_environment(loaded: LoadedPlatform, env: str) -> None:
    """Raise a UsageError naming the valid environments when env is not one of them."""
    valid = list(loaded.platform.environments)
    if env not in valid:
        raise UsageError(f"There is no environment '{env}' in {loaded.source}.", hint=f"Choose one of: {', '.join(valid)}.")


def build_plan(
    *,
    loaded: LoadedPlatform,
    env: str,
    layers: list[str] | None = None,
    upstream: dict[str, dict[str, Any]] | None = None,
    on_progress: Callable[[str, str], None] | None = None,
) -> Plan:
    """Plan what `up` would build for env, without AWS or the Pulumi CLI.

    Args:
        loaded: the platform and its source.
        env: the environment (stack) to plan.
        layers: layers to plan (their dependencies are added); all when empty.
        upstream: recorded outputs of layers not planned here, by project (isolated layer plans).
        on_progress: called with (layer, "start" | "done").
    Returns:
        The plan document.
    Raises:
        UsageError: unknown environment or layer.
        StackProgramError: a stack program failed.
    """
    from platformctl.engines.embedded.runner import LayerRun, run_layers

    check_environment(loaded, env)
    platform = loaded.platform
    specs = with_dependencies(layers)
    if upstream:
        # Layers whose outputs are given are not run again.
        specs = [s for s in specs if s.project not in upstream or (layers and s.name in layers)]
    runs = [
        LayerRun(
            name=spec.name,
            project=spec.project,
            module=spec.module,
            config=layer_config(platform, env, spec.name),
            depends_on=spec.depends_on,
            region=platform.regions.primary,
        )
        for spec in specs
    ]
    return Plan(
        environment=env,
        organisation=platform.organisation,
        primary_region=platform.regions.primary,
        dr_region=platform.regions.dr,
        source=loaded.source,
        layers=run_layers(runs, stack=env, upstream=upstream, on_progress=on_progress),
    )
