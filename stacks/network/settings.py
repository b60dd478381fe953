"""The network layer's Pulumi config as one typed object (the program reads config only here)."""

from __future__ import annotations

from dataclasses import dataclass

from stacks.layer_settings import ConfigSource, LayerSettings, read_common


@dataclass(frozen=True, kw_only=True)
class NetworkSettings(LayerSettings):
    cidr: str
    az_count: int
    nat_gateways: int
    public_cidrs: list[str]
    private_cidrs: list[str]
    isolated_cidrs: list[str]
    flow_log_retention_days: int

    @classmethod
    def from_config(cls, config: ConfigSource) -> NetworkSettings:
        settings = cls(
            **read_common(config),
            cidr=config.require("vpcCidr"),
            az_count=config.require_int("azCount"),
            nat_gateways=config.require_int("natGateways"),
            public_cidrs=config.require_object("publicSubnetCidrs"),
            private_cidrs=config.require_object("privateSubnetCidrs"),
            isolated_cidrs=config.require_object("isolatedSubnetCidrs"),
            flow_log_retention_days=config.require_int("flowLogRetentionDays"),
        )
        for key, cidrs in (("publicSubnetCidrs", settings.public_cidrs), ("privateSubnetCidrs", settings.private_cidrs),
                           ("isolatedSubnetCidrs", settings.isolated_cidrs)):
            if len(cidrs) != settings.az_count:
                raise ValueError(f"{key} lists {len(cidrs)} CIDRs for azCount {settings.az_count}: one per AZ")
        if settings.production and (settings.az_count != 3 or settings.nat_gateways != 3):
            raise ValueError("production needs 3 AZs and a NAT gateway per AZ (azCount: 3, natGateways: 3)")
        return settings
