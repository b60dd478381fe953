"""platform.yaml turned into each layer's Pulumi config: one module per layer, keys as its Pulumi.yaml declares."""

from __future__ import annotations

import importlib
from typing import Any

from platformctl.config.platform_file import Platform


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
    module = importlib.import_module(f"platformctl.config.stack_config.{layer}")
    return {**common_config(platform, env), **module.build(platform, env)}
