"""The policy context of an environment: what platform.yaml promises that the rules check plans against."""

from __future__ import annotations

from platformctl.config.platform_file import Platform
from platformctl.policies.model import PolicyContext


def context_for(platform: Platform, env: str) -> PolicyContext:
    dr = platform.environments[env].dr
    return PolicyContext(
        environment=env,
        production=platform.is_production(env),
        primary_region=platform.regions.primary,
        dr_region=platform.regions.dr,
        rpo_minutes=dr.rpo_minutes,
        rto_minutes=dr.rto_minutes,
        dr_enabled=dr.enabled,
    )
