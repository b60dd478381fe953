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
        "failoverBucketDomain": failover_bucket_domain(platform, env),
    }


def failover_bucket_domain(platform: Platform, env: str) -> str:
    """The DR copy of the assets bucket, which CloudFront falls back to; empty when the environment has no DR region.

    The dr layer runs after edge (it adds the failover records to edge's zone), so edge cannot read the bucket
    from the dr layer's outputs: its name is the dr layer's convention, <organisation>-<env>-dr-assets.
    """
    if not platform.environments[env].dr.enabled:
        return ""
    return f"{platform.organisation}-{env}-dr-assets.s3.{platform.regions.dr}.amazonaws.com"
