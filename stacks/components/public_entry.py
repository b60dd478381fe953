"""The platform's public entry: an internet-facing ALB, made by the AWS Load Balancer Controller from an Ingress, before Kong's proxy.

The request path: api.<env>.<domain> (published by external-dns) -> this ALB (the edge layer's WAF web ACL, the
API certificate, TLS 1.2+, HTTP redirected to HTTPS, the network's ALB security group, access logs) -> Kong's proxy
pods (IP targets) -> a service's Kong route. Kong's proxy Service is ClusterIP: the ALB is its only way in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

ALB = "alb.ingress.kubernetes.io"
ALB_INGRESS_CLASS = "alb"  # the IngressClass the AWS Load Balancer Controller's chart installs
# TLS 1.3 and 1.2 only, forward-secret ciphers: AWS's recommended policy for ALBs.
SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
LOG_PREFIX = "alb"  # the access-logs bucket admits ELB log delivery under this prefix (data layer)
KONG_STATUS_PORT = 8100  # Kong's status listener: /status/ready answers once the proxy has its configuration


def alb_annotations(
    *, certificate_arn: str, web_acl_arn: str, security_group_id: str, subnet_ids: list[str], logs_bucket: str, hostname: str, deletion_protection: bool
) -> dict[str, str]:
    """The Ingress annotations that shape the ALB (all values resolved)."""
    attributes = {
        "access_logs.s3.enabled": "true",
        "access_logs.s3.bucket": logs_bucket,
        "access_logs.s3.prefix": LOG_PREFIX,
        "routing.http.drop_invalid_header_fields.enabled": "true",
        "deletion_protection.enabled": str(deletion_protection).lower(),
    }
    return {
        f"{ALB}/scheme": "internet-facing",
        f"{ALB}/target-type": "ip",
        f"{ALB}/subnets": ",".join(subnet_ids),
        f"{ALB}/security-groups": security_group_id,
        # The controller adds the rule that lets this ALB (and nothing new) reach the targets.
        f"{ALB}/manage-backend-security-group-rules": "true",
        f"{ALB}/certificate-arn": certificate_arn,
        f"{ALB}/ssl-policy": SSL_POLICY,
        f"{ALB}/listen-ports": json.dumps([{"HTTP": 80}, {"HTTPS": 443}]),
        f"{ALB}/ssl-redirect": "443",
        f"{ALB}/wafv2-acl-arn": web_acl_arn,
        f"{ALB}/load-balancer-attributes": ",".join(f"{k}={v}" for k, v in attributes.items()),
        f"{ALB}/healthcheck-port": str(KONG_STATUS_PORT),
        f"{ALB}/healthcheck-path": "/status/ready",
        "external-dns.alpha.kubernetes.io/hostname": hostname,
    }


@dataclass
class PublicEntryArgs:
    provider: k8s.Provider
    namespace: str  # Kong's
    hostname: pulumi.Input[str]  # api.<env>.<domain>, from the edge layer
    kong_proxy_service: str  # the Service name of Kong's proxy, in `namespace`
    certificate_arn: pulumi.Input[str]
    web_acl_arn: pulumi.Input[str]
    security_group_id: pulumi.Input[str]
    public_subnet_ids: pulumi.Input[list[str]]
    logs_bucket: pulumi.Input[str]
    deletion_protection: bool = False
    depends_on: list[pulumi.Resource] = field(default_factory=list)  # the ALB controller and Kong
    labels: dict[str, str] = field(default_factory=dict)


class PublicEntry(pulumi.ComponentResource):
    hostname: pulumi.Output[str]

    def __init__(self, name: str, args: PublicEntryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:addons:PublicEntry", name, None, opts)
        annotations = pulumi.Output.all(
            args.certificate_arn, args.web_acl_arn, args.security_group_id, args.public_subnet_ids, args.logs_bucket, args.hostname
        ).apply(lambda v: alb_annotations(
            certificate_arn=v[0], web_acl_arn=v[1], security_group_id=v[2], subnet_ids=list(v[3]), logs_bucket=v[4], hostname=v[5],
            deletion_protection=args.deletion_protection,
        ))
        k8s.networking.v1.Ingress(  # type: ignore[call-overload]  # camelCase manifest dicts; the SDK's ArgsDicts spell snake_case
            f"{name}-ingress",
            metadata={"name": "public-entry", "namespace": args.namespace, "labels": args.labels, "annotations": annotations},
            spec={
                "ingressClassName": ALB_INGRESS_CLASS,
                "rules": [{"host": args.hostname, "http": {"paths": [{
                    "path": "/", "pathType": "Prefix",
                    "backend": {"service": {"name": args.kong_proxy_service, "port": {"number": 80}}},
                }]}}],
            },
            opts=pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=args.depends_on),
        )
        self.hostname = pulumi.Output.from_input(args.hostname)
        self.register_outputs({"hostname": self.hostname})
