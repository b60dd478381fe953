"""Pulumi config of the network layer."""

from __future__ import annotations

from typing import Any

from platformctl.config.addressing import plan_subnets
from platformctl.config.platform_file import Platform


def build(platform: Platform, env: str) -> dict[str, Any]:
    network = platform.environments[env].network
    subnets = plan_subnets(network.cidr, network.azs)
    return {
        "vpcCidr": network.cidr,
        "azCount": network.azs,
        "natGateways": network.nat_gateways,
        "publicSubnetCidrs": subnets.public,
        "privateSubnetCidrs": subnets.private,
        "isolatedSubnetCidrs": subnets.isolated,
        "flowLogRetentionDays": network.flow_log_retention_days,
    }
