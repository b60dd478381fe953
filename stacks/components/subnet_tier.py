"""One subnet tier (public, private or isolated): a subnet per AZ and the route tables that decide where it can reach."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class SubnetTierArgs:
    vpc_id: pulumi.Input[str]
    tier: str  # public | private | isolated: the `tier` tag other layers select on
    cidrs: list[str]  # one per AZ, in AZ order
    azs: Sequence[pulumi.Input[str]]
    # Default routes (0.0.0.0/0) as route-table route targets, e.g. {"gateway_id": igw.id}.
    # One entry: a single table shared by every AZ. One per AZ: a table per AZ (NAT of its own AZ).
    # None: a shared table with no route out of the VPC at all (the isolated data tier).
    default_routes: list[aws.ec2.RouteTableRouteArgsDict] | None = None
    role_tags: dict[str, str] = field(default_factory=dict)  # e.g. kubernetes.io/role/elb for load balancers
    tags: dict[str, str] = field(default_factory=dict)


class SubnetTier(pulumi.ComponentResource):
    """Subnets never hand out public IPs: only the NAT gateways' Elastic IPs and load balancers face the internet."""

    subnet_ids: list[pulumi.Output[str]]
    route_table_ids: list[pulumi.Output[str]]

    def __init__(self, name: str, args: SubnetTierArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:network:SubnetTier", name, None, opts)
        if len(args.cidrs) != len(args.azs):
            raise ValueError(f"{name}: {len(args.cidrs)} {args.tier} CIDRs for {len(args.azs)} availability zones")
        routes = args.default_routes or []
        if len(routes) not in (0, 1, len(args.azs)):
            raise ValueError(f"{name}: give one default route for the tier or one per AZ, not {len(routes)}")
        child = pulumi.ResourceOptions(parent=self)
        subnets = [
            aws.ec2.Subnet(f"{name}-{i}", vpc_id=args.vpc_id, cidr_block=cidr, availability_zone=args.azs[i],
                           map_public_ip_on_launch=False,
                           tags=pulumi.Output.from_input(args.azs[i]).apply(
                               lambda az: {**args.tags, **args.role_tags, "Name": f"{name}-{az}", "tier": args.tier}),
                           opts=child)
            for i, cidr in enumerate(args.cidrs)
        ]

        def table(suffix: str, route: aws.ec2.RouteTableRouteArgsDict | None) -> aws.ec2.RouteTable:
            # Inline routes make the table's routes exclusive: an empty list removes any route added by hand.
            return aws.ec2.RouteTable(f"{name}-rt{suffix}", vpc_id=args.vpc_id,
                                      routes=[{"cidr_block": "0.0.0.0/0", **route}] if route else [],
                                      tags={**args.tags, "Name": f"{name}-rt{suffix}", "tier": args.tier}, opts=child)

        # One table per NAT route (a NAT per AZ), else one table shared by the tier.
        tables = [table(f"-{i}", route) for i, route in enumerate(routes)] if len(routes) > 1 else [table("", routes[0] if routes else None)]
        for i, subnet in enumerate(subnets):
            aws.ec2.RouteTableAssociation(f"{name}-rta-{i}", subnet_id=subnet.id, route_table_id=tables[i % len(tables)].id, opts=child)
        self.subnet_ids = [s.id for s in subnets]
        self.route_table_ids = [t.id for t in tables]
        self.register_outputs({"subnetIds": self.subnet_ids, "routeTableIds": self.route_table_ids})
