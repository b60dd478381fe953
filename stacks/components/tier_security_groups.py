"""A security group per tier: only the load balancer faces the internet, on 443 (and 80 to redirect)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

# (port, what) the data tier admits from the application tier.
DATA_PORTS = ((5432, "PostgreSQL"), (6379, "Redis"), (443, "OpenSearch"))


@dataclass
class TierSecurityGroupsArgs:
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    tags: dict[str, str] = field(default_factory=dict)


class TierSecurityGroups(pulumi.ComponentResource):
    alb_id: pulumi.Output[str]
    app_id: pulumi.Output[str]
    data_id: pulumi.Output[str]
    endpoint_id: pulumi.Output[str]

    def __init__(self, name: str, args: TierSecurityGroupsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:network:TierSecurityGroups", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        def group(role: str, description: str) -> aws.ec2.SecurityGroup:
            return aws.ec2.SecurityGroup(f"{name}-{role}", vpc_id=args.vpc_id, description=description,
                                         tags={**args.tags, "Name": f"{name}-{role}"}, opts=child)

        alb = group("alb", "Public load balancer: HTTPS from the internet")
        app = group("app", "Application tier: workloads that reach the data tier")
        data = group("data", "Data tier: databases, caches, search")
        endpoint = group("endpoints", "Interface VPC endpoints: HTTPS from inside the VPC")
        for port in (443, 80):  # 80 only to redirect to 443
            aws.vpc.SecurityGroupIngressRule(f"{name}-alb-in-{port}", security_group_id=alb.id, cidr_ipv4="0.0.0.0/0",
                                             ip_protocol="tcp", from_port=port, to_port=port, description=f"internet to ALB on {port}",
                                             tags=args.tags, opts=child)
        aws.vpc.SecurityGroupEgressRule(f"{name}-alb-out-app", security_group_id=alb.id, referenced_security_group_id=app.id,
                                        ip_protocol="tcp", from_port=1024, to_port=65535, description="ALB to app targets", tags=args.tags, opts=child)
        aws.vpc.SecurityGroupIngressRule(f"{name}-app-in-alb", security_group_id=app.id, referenced_security_group_id=alb.id,
                                         ip_protocol="tcp", from_port=1024, to_port=65535, description="ALB to app targets", tags=args.tags, opts=child)
        aws.vpc.SecurityGroupEgressRule(f"{name}-app-out", security_group_id=app.id, cidr_ipv4="0.0.0.0/0", ip_protocol="-1",
                                        description="app egress through NAT and endpoints", tags=args.tags, opts=child)
        for port, what in DATA_PORTS:
            aws.vpc.SecurityGroupIngressRule(f"{name}-data-in-{port}", security_group_id=data.id, referenced_security_group_id=app.id,
                                             ip_protocol="tcp", from_port=port, to_port=port, description=f"{what} from the app tier",
                                             tags=args.tags, opts=child)
        aws.vpc.SecurityGroupIngressRule(f"{name}-endpoints-in", security_group_id=endpoint.id, cidr_ipv4=args.vpc_cidr,
                                         ip_protocol="tcp", from_port=443, to_port=443, description="HTTPS from the VPC", tags=args.tags, opts=child)
        self.alb_id, self.app_id, self.data_id, self.endpoint_id = alb.id, app.id, data.id, endpoint.id
        self.register_outputs({"albId": alb.id, "appId": app.id, "dataId": data.id, "endpointId": endpoint.id})
