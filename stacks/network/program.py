"""The network layer: VPC and subnet tiers, NAT, flow logs, endpoints, security groups per tier."""

from __future__ import annotations

import pulumi

from stacks.components.flow_logs import FlowLogs, FlowLogsArgs
from stacks.components.tier_security_groups import TierSecurityGroups, TierSecurityGroupsArgs
from stacks.components.vpc import Vpc, VpcArgs
from stacks.components.vpc_endpoints import VpcEndpoints, VpcEndpointsArgs
from stacks.outputs import Layer, export_outputs


def program() -> None:
    config = pulumi.Config()
    env = config.require("environment")
    org = config.require("organisation")
    region = config.require("primaryRegion")
    tags = config.require_object("tags")
    az_count = config.require_int("azCount")
    azs = [f"{region}{suffix}" for suffix in "abc"[:az_count]]
    name = f"{org}-{env}"

    vpc = Vpc(name, VpcArgs(
        cidr=config.require("vpcCidr"), azs=azs,
        public_cidrs=config.require_object("publicSubnetCidrs"), private_cidrs=config.require_object("privateSubnetCidrs"),
        isolated_cidrs=config.require_object("isolatedSubnetCidrs"), nat_gateways=config.require_int("natGateways"), tags=tags))
    groups = TierSecurityGroups(f"{name}-sg", TierSecurityGroupsArgs(vpc_id=vpc.vpc_id, vpc_cidr=config.require("vpcCidr"), tags=tags))
    logs = FlowLogs(f"{name}-flow", FlowLogsArgs(vpc_id=vpc.vpc_id, region=region,
                                                 retention_days=config.require_int("flowLogRetentionDays"), tags=tags))
    VpcEndpoints(f"{name}-endpoints", VpcEndpointsArgs(
        vpc_id=vpc.vpc_id, region=region, subnet_ids=vpc.private_subnet_ids,
        route_table_ids=[*vpc.private_route_table_ids, vpc.isolated_route_table_id],
        security_group_id=groups.endpoint_id, tags=tags))
    export_outputs(Layer.NETWORK, {
        "vpcId": vpc.vpc_id, "vpcCidr": config.require("vpcCidr"), "azs": azs,
        "publicSubnetIds": vpc.public_subnet_ids, "privateSubnetIds": vpc.private_subnet_ids,
        "isolatedSubnetIds": vpc.isolated_subnet_ids, "albSecurityGroupId": groups.alb_id, "appSecurityGroupId": groups.app_id,
        "dataSecurityGroupId": groups.data_id, "endpointSecurityGroupId": groups.endpoint_id,
        "flowLogGroupName": logs.log_group_name, "logsKeyArn": logs.key_arn,
    })
