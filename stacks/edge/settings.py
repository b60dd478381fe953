"""The edge layer's Pulumi config as one typed object (the program reads config only here)."""

from __future__ import annotations

from dataclasses import dataclass

from stacks.layer_settings import ConfigSource, LayerSettings, read_common


@dataclass(frozen=True, kw_only=True)
class EdgeSettings(LayerSettings):
    zone_name: str
    existing_zone_id: str  # empty: create the zone
    static_hostname: str
    api_hostname: str
    price_class: str
    rate_limit_per_ip: int
    failover_bucket_domain: str  # the DR copy of the assets bucket; empty: no DR region, no origin failover

    @property
    def log_retention_days(self) -> int:
        """Audit evidence (SOC 2, HIPAA) looks back a year in production, as the other layers' logs."""
        return 365 if self.production else 90

    @classmethod
    def from_config(cls, config: ConfigSource) -> EdgeSettings:
        zone_name = config.require("zoneName")
        return cls(
            **read_common(config),
            zone_name=zone_name,
            existing_zone_id=config.require("existingZoneId"),
            static_hostname=f"{config.require('staticSubdomain')}.{zone_name}",
            api_hostname=f"{config.require('apiSubdomain')}.{zone_name}",
            price_class=config.require("priceClass"),
            rate_limit_per_ip=config.require_int("rateLimitPerIp"),
            failover_bucket_domain=config.require("failoverBucketDomain"),
        )
