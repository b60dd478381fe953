"""A VPC with public, private (app) and isolated (data) subnet tiers, NAT and routing, over 2-3 AZs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from stacks.components.nat_gateways import NatGateways, NatGatewaysArgs
from stacks.components.subnet_tier import SubnetTier, SubnetTierArgs


@dataclass
class VpcArgs:
    cidr: str
    azs: Sequence[pulumi.Input[str]]
    public_cidrs: list[str]
    private_cidrs: list[str]
    isolated_cidrs: list[str]
    nat_gateways: int
    tags: dict[str, str] = field(default_factory=dict)


class Vpc(pulumi.ComponentResource):
    """Public subnets route to the internet gateway, private ones to the NAT gateway of their AZ, isolated ones nowhere."""

    vpc_id: pulumi.Output[str]
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]
    isolated_subnet_ids: list[pulumi.Output[str]]
    public_route_table_id: pulumi.Output[str]
    private_route_table_ids: list[pulumi.Output[str]]
    isolated_route_table_id: pulumi.Output[str]
    nat_gateway_ids: list[pulumi.Output[str]]
    nat_public_ips: list[pulumi.Output[str]]

    def __init__(self, name: str, args: VpcArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:network:Vpc", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block=args.cidr, enable_dns_support=True, enable_dns_hostnames=True,
                          tags={**args.tags, "Name": name}, opts=child)
        # The default security group of a VPC admits traffic between its members: managed with no rules, it denies all.
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=vpc.id, ingress=[], egress=[],
                                     tags={**args.tags, "Name": f"{name}-default-deny"}, opts=child)
        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags={**args.tags, "Name": name}, opts=child)

        def tier(role: str, cidrs: list[str], routes: list[aws.ec2.RouteTableRouteArgsDict] | None, role_tags: dict[str, str]) -> SubnetTier:
            return SubnetTier(f"{name}-{role}", SubnetTierArgs(
                vpc_id=vpc.id, tier=role, cidrs=cidrs, azs=args.azs, default_routes=routes, role_tags=role_tags, tags=args.tags), opts=child)

        public = tier("public", args.public_cidrs, [{"gateway_id": igw.id}], {"kubernetes.io/role/elb": "1"})
        nats = NatGateways(f"{name}-nat", NatGatewaysArgs(
            public_subnet_ids=public.subnet_ids, count=args.nat_gateways, internet_gateway=igw, tags=args.tags), opts=child)
        # A table per AZ: with a NAT per AZ each AZ leaves through its own; with one NAT every AZ shares it.
        private_routes: list[aws.ec2.RouteTableRouteArgsDict] = [{"nat_gateway_id": nats.nat_gateway_ids[i % args.nat_gateways]} for i in range(len(args.azs))]
        private = tier("private", args.private_cidrs, private_routes, {"kubernetes.io/role/internal-elb": "1"})
        isolated = tier("isolated", args.isolated_cidrs, None, {})

        self.vpc_id = vpc.id
        self.public_subnet_ids = public.subnet_ids
        self.private_subnet_ids = private.subnet_ids
        self.isolated_subnet_ids = isolated.subnet_ids
        self.public_route_table_id = public.route_table_ids[0]
        self.private_route_table_ids = private.route_table_ids
        self.isolated_route_table_id = isolated.route_table_ids[0]
        self.nat_gateway_ids = nats.nat_gateway_ids
        self.nat_public_ips = nats.public_ips
        self.register_outputs({"vpcId": self.vpc_id, "publicSubnetIds": self.public_subnet_ids,
                               "privateSubnetIds": self.private_subnet_ids, "isolatedSubnetIds": self.isolated_subnet_ids,
                               "natGatewayIds": self.nat_gateway_ids})
