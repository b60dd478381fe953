"""Route53 failover for the public API: a health check on the primary, PRIMARY and SECONDARY records."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class DrFailoverDnsArgs:
    zone_id: pulumi.Input[str]  # the primary zone (edge layer)
    record_name: pulumi.Input[str]  # the API hostname clients use (edge layer's apiHostname)
    primary_target: pulumi.Input[str]  # api-primary.<zone>: external-dns points it at the primary ALB
    dr_target: pulumi.Input[str]  # api-dr.<zone>: external-dns points it at the DR ALB once the DR cluster serves
    tags: dict[str, str]
    health_check_path: str = "/healthz"
    ttl_seconds: int = 60  # resolvers follow a failover within a minute of the health check turning red
    failure_threshold: int = 3  # three failed checks 30 s apart: 90 s, not a blip, triggers failover


class DrFailoverDns(pulumi.ComponentResource):
    """Route53 is global: these resources use the default provider, whatever region it names.

    The load balancers are created by the AWS Load Balancer Controller inside each cluster, so no stack
    knows their DNS names; the records are CNAMEs to stable names that external-dns maintains
    (api-primary.<zone> in the primary cluster, api-dr.<zone> in the DR cluster) instead of alias records.
    """

    health_check_id: pulumi.Output[str]
    record_name: pulumi.Output[str]

    def __init__(self, name: str, args: DrFailoverDnsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:dr:DrFailoverDns", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        check = aws.route53.HealthCheck(
            f"{name}-primary-check",
            type="HTTPS",
            fqdn=args.primary_target,
            port=443,
            resource_path=args.health_check_path,
            enable_sni=True,
            request_interval=30,
            failure_threshold=args.failure_threshold,
            tags={**args.tags, "Name": "primary-api"},
            opts=child,
        )
        primary = aws.route53.Record(
            f"{name}-primary",
            set_identifier="primary",
            failover_routing_policies=[{"type": "PRIMARY"}],
            health_check_id=check.id,
            records=[args.primary_target],
            zone_id=args.zone_id,
            name=args.record_name,
            type="CNAME",
            ttl=args.ttl_seconds,
            opts=child,
        )
        aws.route53.Record(
            f"{name}-secondary",
            set_identifier="dr",
            failover_routing_policies=[{"type": "SECONDARY"}],
            records=[args.dr_target],
            zone_id=args.zone_id,  # the same record name as the primary's: Route53 answers with one of the two
            name=args.record_name,
            type="CNAME",
            ttl=args.ttl_seconds,
            opts=child,
        )
        self.health_check_id = check.id
        self.record_name = primary.name
        self.register_outputs({"health_check_id": self.health_check_id, "record_name": self.record_name})
