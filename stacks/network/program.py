"""The network layer: VPC and subnet tiers, NAT, flow logs, endpoints, security groups per tier."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from stacks.components.flow_logs import FlowLogs, FlowLogsArgs
from stacks.components.tier_security_groups import TierSecurityGroups, TierSecurityGroupsArgs
from stacks.components.vpc import Vpc, VpcArgs
from stacks.components.vpc_endpoints import VpcEndpoints, VpcEndpointsArgs
from stacks.network.settings import NetworkSettings
from stacks.outputs import Layer, export_outputs


def program() -> None:
    s = NetworkSettings.from_config(pulumi.Config())
    # AZ names from the region, not "<region>a/b/c": some accounts and regions have no "a" or skip letters.
    zones = aws.get_availability_zones_output(state="available")
    azs = [zones.names[i] for i in range(s.az_count)]

    vpc = Vpc(s.prefix, VpcArgs(
        cidr=s.cidr, azs=azs, public_cidrs=s.public_cidrs, private_cidrs=s.private_cidrs,
        isolated_cidrs=s.isolated_cidrs, nat_gateways=s.nat_gateways, tags=s.tags))
    groups = TierSecurityGroups(f"{s.prefix}-sg", TierSecurityGroupsArgs(vpc_id=vpc.vpc_id, vpc_cidr=s.cidr, tags=s.tags))
    logs = FlowLogs(f"{s.prefix}-flow", FlowLogsArgs(vpc_id=vpc.vpc_id, region=s.primary_region, retention_days=s.flow_log_retention_days,
                                                   tags=s.tags, protect=s.production))
    VpcEndpoints(f"{s.prefix}-endpoints", VpcEndpointsArgs(
        vpc_id=vpc.vpc_id, region=s.primary_region, subnet_ids=vpc.private_subnet_ids,
        route_table_ids=[*vpc.private_route_table_ids, vpc.isolated_route_table_id],
        security_group_id=groups.endpoint_id, tags=s.tags))
    export_outputs(Layer.NETWORK, {
        "vpcId": vpc.vpc_id, "vpcCidr": s.cidr, "azs": azs,
        "publicSubnetIds": vpc.public_subnet_ids, "privateSubnetIds": vpc.private_subnet_ids,
        "isolatedSubnetIds": vpc.isolated_subnet_ids, "albSecurityGroupId": groups.alb_id, "appSecurityGroupId": groups.app_id,
        "dataSecurityGroupId": groups.data_id, "endpointSecurityGroupId": groups.endpoint_id,
        "flowLogGroupName": logs.log_group_name, "logsKeyArn": logs.key_arn, "natPublicIps": vpc.nat_public_ips,
    })
