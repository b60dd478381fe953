"""The edge layer: the environment's public zone, ACM certificates, CloudFront for static assets, WAF."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from stacks.components.cdn_access_logs import CdnAccessLogs, CdnAccessLogsArgs
from stacks.components.certificates import DnsValidatedCertificate, DnsValidatedCertificateArgs
from stacks.components.dns_zone import DnsZone, DnsZoneArgs
from stacks.components.edge_audit_logs import EdgeAuditLogs, EdgeAuditLogsArgs
from stacks.components.static_site_cdn import StaticSiteCdn, StaticSiteCdnArgs
from stacks.components.web_acl import WebAcl, WebAclArgs
from stacks.edge.settings import EdgeSettings
from stacks.outputs import Layer, export_outputs, reference

# CloudFront is global but reads its certificate and its WAF web ACL only from us-east-1.
CLOUDFRONT_REGION = "us-east-1"


def program() -> None:
    settings = EdgeSettings.from_config(pulumi.Config())
    tags = {**settings.tags, "layer": "edge"}
    data = reference(Layer.DATA)

    # Explicit provider: CloudFront accepts certificates and CLOUDFRONT-scope web ACLs only from us-east-1,
    # whatever the platform's primary region is.
    us_east_1 = aws.Provider("us-east-1", region=CLOUDFRONT_REGION)
    in_us_east_1 = pulumi.ResourceOptions(providers={"aws": us_east_1})

    zone = DnsZone("zone", DnsZoneArgs(zone_name=settings.zone_name, existing_zone_id=settings.existing_zone_id, tags=tags))

    # The ALB's certificate, in the primary region: the wildcard covers api.<zone> and <service>.<zone>.
    api_certificate = DnsValidatedCertificate(
        "api-certificate",
        DnsValidatedCertificateArgs(domain_name=f"*.{settings.zone_name}", zone_id=zone.zone_id, tags=tags),
    )
    cdn_certificate = DnsValidatedCertificate(
        "cdn-certificate",
        DnsValidatedCertificateArgs(domain_name=settings.static_hostname, zone_id=zone.zone_id, tags=tags),
        opts=in_us_east_1,
    )

    audit_logs = EdgeAuditLogs(
        "edge-logs",
        EdgeAuditLogsArgs(
            resource_prefix=settings.prefix, zone_id=zone.zone_id, zone_name=settings.zone_name,
            account_id=aws.get_caller_identity_output().account_id, partition=aws.get_partition_output().partition,
            retention_days=settings.log_retention_days, tags=tags,
        ),
        opts=in_us_east_1,
    )
    cdn_acl = WebAcl(
        "cdn-waf",
        WebAclArgs(acl_name=f"{settings.prefix}-cloudfront", scope="CLOUDFRONT", rate_limit_per_ip=settings.rate_limit_per_ip, tags=tags,
                   log_kms_key_arn=audit_logs.key_arn, log_retention_days=settings.log_retention_days),
        opts=in_us_east_1,
    )
    # Attached to the ALB by the AWS Load Balancer Controller (alb.ingress.kubernetes.io/wafv2-acl-arn).
    alb_acl = WebAcl(
        "alb-waf",
        WebAclArgs(acl_name=f"{settings.prefix}-alb", scope="REGIONAL", rate_limit_per_ip=settings.rate_limit_per_ip, tags=tags,
                   log_kms_key_arn=data.get("logsKeyArn"), log_retention_days=settings.log_retention_days),
    )

    cdn = StaticSiteCdn(
        "static",
        StaticSiteCdnArgs(
            resource_prefix=settings.prefix,
            hostname=settings.static_hostname,
            zone_id=zone.zone_id,
            certificate_arn=cdn_certificate.certificate_arn,
            web_acl_arn=cdn_acl.arn,
            bucket_name=data.get("assetsBucketName"),
            bucket_arn=data.get("assetsBucketArn"),
            bucket_regional_domain_name=data.get("assetsBucketRegionalDomainName"),
            price_class=settings.price_class,
            manage_bucket_policy=False,
            failover_bucket_domain_name=settings.failover_bucket_domain or None,
            tags=tags,
        ),
    )

    CdnAccessLogs(
        "static-logs",
        CdnAccessLogsArgs(
            resource_prefix=settings.prefix,
            distribution_arn=cdn.distribution_arn,
            logs_bucket_name=data.get("accessLogsBucketName"),
            partition=aws.get_partition_output().partition,
            tags=tags,
        ),
        opts=in_us_east_1,
    )

    export_outputs(
        Layer.EDGE,
        {
            "zoneId": zone.zone_id,
            "zoneName": zone.zone_name,
            "zoneNameServers": zone.name_servers,
            "certificateArn": api_certificate.certificate_arn,
            "cloudfrontCertificateArn": cdn_certificate.certificate_arn,
            "distributionId": cdn.distribution_id,
            "distributionArn": cdn.distribution_arn,
            "distributionDomainName": cdn.domain_name,
            "staticHostname": settings.static_hostname,
            "webAclArn": cdn_acl.arn,
            "albWebAclArn": alb_acl.arn,
            "apiHostname": settings.api_hostname,
        },
    )
