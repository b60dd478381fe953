"""NAT gateways with Elastic IPs in the public subnets: one per AZ in production, one shared in dev."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class NatGatewaysArgs:
    public_subnet_ids: Sequence[pulumi.Input[str]]  # in AZ order; gateway i sits in subnet i
    count: int
    internet_gateway: pulumi.Resource  # a NAT gateway needs the VPC's internet gateway attached first
    tags: dict[str, str] = field(default_factory=dict)


class NatGateways(pulumi.ComponentResource):
    nat_gateway_ids: list[pulumi.Output[str]]
    public_ips: list[pulumi.Output[str]]

    def __init__(self, name: str, args: NatGatewaysArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:network:NatGateways", name, None, opts)
        if not 1 <= args.count <= len(args.public_subnet_ids):
            raise ValueError(f"{name}: {args.count} NAT gateways for {len(args.public_subnet_ids)} public subnets")
        eips, nats = [], []
        for i in range(args.count):
            eip = aws.ec2.Eip(f"{name}-eip-{i}", domain="vpc", tags={**args.tags, "Name": f"{name}-{i}"},
                              opts=pulumi.ResourceOptions(parent=self))
            nats.append(aws.ec2.NatGateway(f"{name}-{i}", allocation_id=eip.id, subnet_id=args.public_subnet_ids[i],
                                           connectivity_type="public", tags={**args.tags, "Name": f"{name}-{i}"},
                                           opts=pulumi.ResourceOptions(parent=self, depends_on=[args.internet_gateway])))
            eips.append(eip)
        self.nat_gateway_ids = [n.id for n in nats]
        self.public_ips = [e.public_ip for e in eips]
        self.register_outputs({"natGatewayIds": self.nat_gateway_ids, "publicIps": self.public_ips})
