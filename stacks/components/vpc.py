"""A VPC with public, private (app) and isolated (data) subnet tiers, NAT and routing, over 2-3 AZs."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class VpcArgs:
    cidr: str
    azs: list[str]
    public_cidrs: list[str]
    private_cidrs: list[str]
    isolated_cidrs: list[str]
    nat_gateways: int
    tags: dict[str, str] = field(default_factory=dict)


class Vpc(pulumi.ComponentResource):
    """Public subnets route to the internet gateway, private ones to a NAT gateway, isolated ones nowhere."""

    vpc_id: pulumi.Output[str]
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]
    isolated_subnet_ids: list[pulumi.Output[str]]
    private_route_table_ids: list[pulumi.Output[str]]
    isolated_route_table_id: pulumi.Output[str]

    def __init__(self, name: str, args: VpcArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:network:Vpc", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block=args.cidr, enable_dns_support=True, enable_dns_hostnames=True,
                          tags={**args.tags, "Name": name}, opts=child)
        # The default security group of a VPC allows traffic between members: manage it to deny all.
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=vpc.id, ingress=[], egress=[],
                                     tags={**args.tags, "Name": f"{name}-default-deny"}, opts=child)
        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags=args.tags, opts=child)

        def subnets(tier: str, cidrs: list[str], extra: dict[str, str]) -> list[aws.ec2.Subnet]:
            return [
                aws.ec2.Subnet(f"{name}-{tier}-{i}", vpc_id=vpc.id, cidr_block=cidr, availability_zone=args.azs[i],
                               map_public_ip_on_launch=False,
                               tags={**args.tags, **extra, "Name": f"{name}-{tier}-{args.azs[i]}", "tier": tier}, opts=child)
                for i, cidr in enumerate(cidrs)
            ]

        public = subnets("public", args.public_cidrs, {"kubernetes.io/role/elb": "1"})
        private = subnets("private", args.private_cidrs, {"kubernetes.io/role/internal-elb": "1"})
        isolated = subnets("isolated", args.isolated_cidrs, {})

        public_rt = aws.ec2.RouteTable(f"{name}-public-rt", vpc_id=vpc.id,
                                       routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}], tags=args.tags, opts=child)
        for i, subnet in enumerate(public):
            aws.ec2.RouteTableAssociation(f"{name}-public-rta-{i}", subnet_id=subnet.id, route_table_id=public_rt.id, opts=child)

        nats = []
        for i in range(args.nat_gateways):
            eip = aws.ec2.Eip(f"{name}-nat-eip-{i}", domain="vpc", tags=args.tags, opts=child)
            nats.append(aws.ec2.NatGateway(f"{name}-nat-{i}", allocation_id=eip.id, subnet_id=public[i].id, tags=args.tags,
                                           opts=pulumi.ResourceOptions(parent=self, depends_on=[igw])))
        private_rts = []
        for i, subnet in enumerate(private):
            nat = nats[i % len(nats)]  # one NAT per AZ in prod; every AZ shares the single NAT in dev
            rt = aws.ec2.RouteTable(f"{name}-private-rt-{i}", vpc_id=vpc.id,
                                    routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat.id}], tags=args.tags, opts=child)
            aws.ec2.RouteTableAssociation(f"{name}-private-rta-{i}", subnet_id=subnet.id, route_table_id=rt.id, opts=child)
            private_rts.append(rt)
        isolated_rt = aws.ec2.RouteTable(f"{name}-isolated-rt", vpc_id=vpc.id, routes=[], tags=args.tags, opts=child)
        for i, subnet in enumerate(isolated):
            aws.ec2.RouteTableAssociation(f"{name}-isolated-rta-{i}", subnet_id=subnet.id, route_table_id=isolated_rt.id, opts=child)

        self.vpc_id = vpc.id
        self.public_subnet_ids = [s.id for s in public]
        self.private_subnet_ids = [s.id for s in private]
        self.isolated_subnet_ids = [s.id for s in isolated]
        self.private_route_table_ids = [rt.id for rt in private_rts]
        self.isolated_route_table_id = isolated_rt.id
        self.register_outputs({"vpcId": self.vpc_id, "publicSubnetIds": self.public_subnet_ids,
                               "privateSubnetIds": self.private_subnet_ids, "isolatedSubnetIds": self.isolated_subnet_ids})
