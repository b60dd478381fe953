"""Pulumi config of the network layer."""

from __future__ import annotations

from typing import Any

from platformctl.config.addressing import plan_subnets
from platformctl.config.platform_file import NetworkSize, Platform


def build(platform: Platform, env: str) -> dict[str, Any]:
    network = platform.environments[env].network
    return vpc_config(network, network.cidr)


def vpc_config(network: NetworkSize, cidr: str) -> dict[str, Any]:
    """The VPC keys of one region's network (the dr layer uses them for the DR region's CIDR)."""
    subnets = plan_subnets(cidr, network.azs)
    return {
        "vpcCidr": cidr,
        "azCount": network.azs,
        "natGateways": network.nat_gateways,
        "publicSubnetCidrs": subnets.public,
        "privateSubnetCidrs": subnets.private,
        "isolatedSubnetCidrs": subnets.isolated,
        "flowLogRetentionDays": network.flow_log_retention_days,
    }
