"""Pulumi config of the edge layer: the environment's public zone, CDN price class and WAF limits."""

from __future__ import annotations

from typing import Any

from platformctl.config.platform_file import Platform


def zone_name(platform: Platform, env: str) -> str:
    """Every environment, prod included, gets its own zone <env>.<domain>, delegated from the apex.

    The apex zone stays the organisation's (mail, marketing site, other records): a stack that can
    be destroyed never owns it, and prod matches the <service>.<env>.<domain> names of the services.
    """
    return f"{env}.{platform.domain}"


def build(platform: Platform, env: str) -> dict[str, Any]:
    edge = platform.edge
    default_class = "PriceClass_All" if platform.is_production(env) else "PriceClass_100"
    return {
        "zoneName": zone_name(platform, env),
        "existingZoneId": edge.existing_zone_ids.get(env, ""),
        "staticSubdomain": edge.static_subdomain,
        "apiSubdomain": edge.api_subdomain,
        "priceClass": edge.price_classes.get(env, default_class),
        "rateLimitPerIp": edge.rate_limit_per_ip,
    }
