"""The cluster layer's Pulumi config as one typed object (the program reads config only here)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from stacks.components.node_group import NodeGroupSpec
from stacks.layer_settings import ConfigSource, LayerSettings, read_common


@dataclass(frozen=True, kw_only=True)
class ClusterSettings(LayerSettings):
    version: str
    public_endpoint_cidrs: list[str]
    node_groups: list[NodeGroupSpec]
    admin_role_name: str
    log_retention_days: int

    @classmethod
    def from_config(cls, config: ConfigSource) -> ClusterSettings:
        settings = cls(
            **read_common(config),
            version=config.require("kubernetesVersion"),
            public_endpoint_cidrs=config.require_object("publicEndpointCidrs"),
            node_groups=[NodeGroupSpec(name=g["name"], instance_types=g["instance_types"], min=g["min"], desired=g["desired"],
                                       max=g["max"], disk_gb=g["disk_gb"]) for g in config.require_object("nodeGroups")],
            admin_role_name=config.require("adminRoleName"),
            log_retention_days=config.require_int("logRetentionDays"),
        )
        for cidr in settings.public_endpoint_cidrs:
            if ipaddress.ip_network(cidr, strict=True).prefixlen == 0:
                raise ValueError(f"publicEndpointCidrs: {cidr} would open the Kubernetes API to the internet")
        if settings.production and settings.public_endpoint_cidrs:
            raise ValueError("publicEndpointCidrs must be empty in production: the API endpoint is private only")
        return settings
