"""The network layer: VPC and subnet tiers, NAT, flow logs, endpoints, security groups per tier."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.components.flow_logs import FlowLogs, FlowLogsArgs
from stacks.components.tier_security_groups import TierSecurityGroups, TierSecurityGroupsArgs
from stacks.components.vpc import Vpc, VpcArgs
from stacks.components.vpc_endpoints import VpcEndpoints, VpcEndpointsArgs
from stacks.outputs import Layer, export_outputs


@dataclass(frozen=True)
class NetworkSettings:
    """The layer's Pulumi config, typed (keys as Pulumi.yaml declares them)."""

    name: str  # <organisation>-<environment>, the prefix of physical names
    region: str
    production: bool
    tags: dict[str, str]
    cidr: str
    az_count: int
    nat_gateways: int
    public_cidrs: list[str]
    private_cidrs: list[str]
    isolated_cidrs: list[str]
    flow_log_retention_days: int

    @classmethod
    def from_config(cls, config: pulumi.Config) -> NetworkSettings:
        settings = cls(
            name=f"{config.require('organisation')}-{config.require('environment')}",
            region=config.require("primaryRegion"), production=config.get_bool("production") or False,
            tags=config.require_object("tags"), cidr=config.require("vpcCidr"), az_count=config.require_int("azCount"),
            nat_gateways=config.require_int("natGateways"), public_cidrs=config.require_object("publicSubnetCidrs"),
            private_cidrs=config.require_object("privateSubnetCidrs"), isolated_cidrs=config.require_object("isolatedSubnetCidrs"),
            flow_log_retention_days=config.require_int("flowLogRetentionDays"))
        for key, cidrs in (("publicSubnetCidrs", settings.public_cidrs), ("privateSubnetCidrs", settings.private_cidrs),
                           ("isolatedSubnetCidrs", settings.isolated_cidrs)):
            if len(cidrs) != settings.az_count:
                raise ValueError(f"{key} lists {len(cidrs)} CIDRs for azCount {settings.az_count}: one per AZ")
        if settings.production and (settings.az_count != 3 or settings.nat_gateways != 3):
            raise ValueError("production needs 3 AZs and a NAT gateway per AZ (azCount: 3, natGateways: 3)")
        return settings


def program() -> None:
    s = NetworkSettings.from_config(pulumi.Config())
    # AZ names from the region, not "<region>a/b/c": some accounts and regions have no "a" or skip letters.
    zones = aws.get_availability_zones_output(state="available")
    azs = [zones.names[i] for i in range(s.az_count)]

    vpc = Vpc(s.name, VpcArgs(
        cidr=s.cidr, azs=azs, public_cidrs=s.public_cidrs, private_cidrs=s.private_cidrs,
        isolated_cidrs=s.isolated_cidrs, nat_gateways=s.nat_gateways, tags=s.tags))
    groups = TierSecurityGroups(f"{s.name}-sg", TierSecurityGroupsArgs(vpc_id=vpc.vpc_id, vpc_cidr=s.cidr, tags=s.tags))
    logs = FlowLogs(f"{s.name}-flow", FlowLogsArgs(vpc_id=vpc.vpc_id, region=s.region, retention_days=s.flow_log_retention_days,
                                                   tags=s.tags, protect=s.production))
    VpcEndpoints(f"{s.name}-endpoints", VpcEndpointsArgs(
        vpc_id=vpc.vpc_id, region=s.region, subnet_ids=vpc.private_subnet_ids,
        route_table_ids=[*vpc.private_route_table_ids, vpc.isolated_route_table_id],
        security_group_id=groups.endpoint_id, tags=s.tags))
    export_outputs(Layer.NETWORK, {
        "vpcId": vpc.vpc_id, "vpcCidr": s.cidr, "azs": azs,
        "publicSubnetIds": vpc.public_subnet_ids, "privateSubnetIds": vpc.private_subnet_ids,
        "isolatedSubnetIds": vpc.isolated_subnet_ids, "albSecurityGroupId": groups.alb_id, "appSecurityGroupId": groups.app_id,
        "dataSecurityGroupId": groups.data_id, "endpointSecurityGroupId": groups.endpoint_id,
        "flowLogGroupName": logs.log_group_name, "logsKeyArn": logs.key_arn, "natPublicIps": vpc.nat_public_ips,
    })
