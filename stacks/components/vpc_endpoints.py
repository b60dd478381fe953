"""VPC endpoints so nodes reach S3, ECR, STS and CloudWatch Logs without the internet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

INTERFACE_SERVICES = ("ecr.api", "ecr.dkr", "sts", "logs")


@dataclass
class VpcEndpointsArgs:
    vpc_id: pulumi.Input[str]
    region: str
    subnet_ids: Sequence[pulumi.Input[str]]
    route_table_ids: Sequence[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    tags: dict[str, str] = field(default_factory=dict)


class VpcEndpoints(pulumi.ComponentResource):
    def __init__(self, name: str, args: VpcEndpointsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:network:VpcEndpoints", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        s3 = aws.ec2.VpcEndpoint(f"{name}-s3", vpc_id=args.vpc_id, service_name=f"com.amazonaws.{args.region}.s3",
                                 vpc_endpoint_type="Gateway", route_table_ids=args.route_table_ids, tags=args.tags, opts=child)
        interfaces = {
            service: aws.ec2.VpcEndpoint(f"{name}-{service.replace('.', '-')}", vpc_id=args.vpc_id,
                                         service_name=f"com.amazonaws.{args.region}.{service}", vpc_endpoint_type="Interface",
                                         private_dns_enabled=True, subnet_ids=args.subnet_ids,
                                         security_group_ids=[args.security_group_id], tags=args.tags, opts=child)
            for service in INTERFACE_SERVICES
        }
        self.register_outputs({"s3": s3.id, **{k: v.id for k, v in interfaces.items()}})
