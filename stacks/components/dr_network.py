"""The DR region's network: the primary's shape (the network layer's components) on the DR CIDR."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from stacks.components.flow_logs import FlowLogs, FlowLogsArgs
from stacks.components.tier_security_groups import TierSecurityGroups, TierSecurityGroupsArgs
from stacks.components.vpc import Vpc, VpcArgs
from stacks.components.vpc_endpoints import VpcEndpoints, VpcEndpointsArgs


@dataclass
class DrNetworkArgs:
    region: str  # the DR region: AZ names, endpoint service names, the logs service principal
    cidr: str  # dr_cidr of platform.yaml, carved by platformctl.config.addressing.plan_subnets
    az_count: int
    public_cidrs: list[str]
    private_cidrs: list[str]
    isolated_cidrs: list[str]
    nat_gateways: int
    flow_log_retention_days: int
    tags: dict[str, str]


class DrNetwork(pulumi.ComponentResource):
    """Reuses Vpc, TierSecurityGroups, FlowLogs and VpcEndpoints unchanged: the caller passes the DR provider
    in opts and every child here (and theirs) inherits it through parent=self."""

    vpc_id: pulumi.Output[str]
    azs: list[str]
    private_subnet_ids: list[pulumi.Output[str]]
    isolated_subnet_ids: list[pulumi.Output[str]]
    app_security_group_id: pulumi.Output[str]
    data_security_group_id: pulumi.Output[str]
    logs_key_arn: pulumi.Output[str]  # the flow logs' key, also for the pilot cluster's control-plane logs

    def __init__(self, name: str, args: DrNetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:dr:DrNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.azs = [f"{args.region}{suffix}" for suffix in "abc"[: args.az_count]]
        vpc = Vpc(f"{name}-vpc", VpcArgs(
            cidr=args.cidr, azs=self.azs, public_cidrs=args.public_cidrs, private_cidrs=args.private_cidrs,
            isolated_cidrs=args.isolated_cidrs, nat_gateways=args.nat_gateways, tags=args.tags), opts=child)
        groups = TierSecurityGroups(f"{name}-sg", TierSecurityGroupsArgs(vpc_id=vpc.vpc_id, vpc_cidr=args.cidr, tags=args.tags), opts=child)
        logs = FlowLogs(f"{name}-flow", FlowLogsArgs(
            vpc_id=vpc.vpc_id, region=args.region, retention_days=args.flow_log_retention_days, tags=args.tags), opts=child)
        VpcEndpoints(f"{name}-endpoints", VpcEndpointsArgs(
            vpc_id=vpc.vpc_id, region=args.region, subnet_ids=vpc.private_subnet_ids,
            route_table_ids=[*vpc.private_route_table_ids, vpc.isolated_route_table_id],
            security_group_id=groups.endpoint_id, tags=args.tags), opts=child)
        self.vpc_id = vpc.vpc_id
        self.private_subnet_ids = vpc.private_subnet_ids
        self.isolated_subnet_ids = vpc.isolated_subnet_ids
        self.app_security_group_id = groups.app_id
        self.data_security_group_id = groups.data_id
        self.logs_key_arn = logs.key_arn
        self.register_outputs({
            "vpcId": self.vpc_id,
            "privateSubnetIds": self.private_subnet_ids,
            "isolatedSubnetIds": self.isolated_subnet_ids,
            "dataSecurityGroupId": self.data_security_group_id,
            "logsKeyArn": self.logs_key_arn,
        })
