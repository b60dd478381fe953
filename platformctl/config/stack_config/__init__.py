"""platform.yaml turned into each layer's Pulumi config: one module per layer, keys as its Pulumi.yaml declares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from platformctl.config.platform_file import Platform
from platformctl.config.stack_config import addons, backup, cluster, data, dr, edge, identity, messaging, network

ConfigBuilder = Callable[[Platform, str], dict[str, Any]]

# One builder per row of the layer table (stacks/layer_table.py); tests/config/test_stack_config.py keeps them equal.
BUILDERS: dict[str, ConfigBuilder] = {
    "network": network.build,
    "cluster": cluster.build,
    "identity": identity.build,
    "addons": addons.build,
    "data": data.build,
    "messaging": messaging.build,
    "edge": edge.build,
    "backup": backup.build,
    "dr": dr.build,
}


def common_config(platform: Platform, env: str) -> dict[str, Any]:
    """Keys every layer's Pulumi.yaml declares."""
    return {
        "environment": env,
        "organisation": platform.organisation,
        "domain": platform.domain,
        "primaryRegion": platform.regions.primary,
        "drRegion": platform.regions.dr,
        "production": platform.is_production(env),
        "tags": {"organisation": platform.organisation, "environment": env, "managed-by": "platformctl", **platform.tags},
    }


def layer_config(platform: Platform, env: str, layer: str) -> dict[str, Any]:
    """The full Pulumi config of one layer for one environment (without the project namespace)."""
    return {**common_config(platform, env), **BUILDERS[layer](platform, env)}
