"""CloudFront in front of the private assets bucket: origin access control, TLS 1.2+, security headers, WAF."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

CACHING_OPTIMIZED_POLICY_ID = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # AWS managed cache policy
# Errors on which CloudFront retries a request on the DR origin: the bucket refused, lost the object, or failed.
FAILOVER_STATUS_CODES = (403, 404, 500, 502, 503, 504)
HSTS_MAX_AGE_SECONDS = 63_072_000  # two years: the hstspreload.org list asks for at least one


@dataclass
class StaticSiteCdnArgs:
    resource_prefix: str  # f"{organisation}-{environment}"
    hostname: str  # static.<zone>
    zone_id: pulumi.Input[str]
    certificate_arn: pulumi.Input[str]  # validated, in us-east-1
    web_acl_arn: pulumi.Input[str]  # CLOUDFRONT scope
    bucket_name: pulumi.Input[str]
    bucket_arn: pulumi.Input[str]
    bucket_regional_domain_name: pulumi.Input[str]
    price_class: str
    # S3 keeps one policy per bucket: only when the bucket's owner manages none may this component write it.
    manage_bucket_policy: bool = False
    # The DR region's replica of the bucket: when set, CloudFront falls back to it when the primary fails.
    failover_bucket_domain_name: pulumi.Input[str] | None = None
    tags: dict[str, str] = field(default_factory=dict)


def bucket_read_statement(bucket_arn: pulumi.Input[str], distribution_arn: pulumi.Input[str]) -> pulumi.Output[dict]:
    """The bucket policy statement that lets this distribution, and only it, read the objects."""
    return pulumi.Output.all(bucket_arn, distribution_arn).apply(
        lambda v: {
            "Sid": "AllowCloudFrontDistributionRead",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": f"{v[0]}/*",
            "Condition": {"StringEquals": {"AWS:SourceArn": v[1]}},
        }
    )


class StaticSiteCdn(pulumi.ComponentResource):
    """The distribution for static assets and its `static.<zone>` alias records."""

    distribution_id: pulumi.Output[str]
    distribution_arn: pulumi.Output[str]
    domain_name: pulumi.Output[str]
    bucket_read_statement: pulumi.Output[dict]

    def __init__(self, name: str, args: StaticSiteCdnArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:edge:StaticSiteCdn", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        oac = aws.cloudfront.OriginAccessControl(
            f"{name}-oac",
            name=f"{args.resource_prefix}-assets",
            description="CloudFront signs every request to the private assets bucket",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=child,
        )
        headers = aws.cloudfront.ResponseHeadersPolicy(
            f"{name}-security-headers",
            name=f"{args.resource_prefix}-security-headers",
            comment="HSTS with preload, nosniff, no framing, strict referrer",
            security_headers_config={
                "strict_transport_security": {
                    "access_control_max_age_sec": HSTS_MAX_AGE_SECONDS,
                    "include_subdomains": True,
                    "preload": True,
                    "override": True,
                },
                "content_type_options": {"override": True},
                "frame_options": {"frame_option": "DENY", "override": True},
                "referrer_policy": {"referrer_policy": "strict-origin-when-cross-origin", "override": True},
            },
            opts=child,
        )
        origins: list[aws.cloudfront.DistributionOriginArgsDict] = [
            {"origin_id": "assets", "domain_name": args.bucket_regional_domain_name, "origin_access_control_id": oac.id}
        ]
        origin_groups: list[aws.cloudfront.DistributionOriginGroupArgsDict] = []
        target = "assets"
        if args.failover_bucket_domain_name is not None:
            # The assets are replicated to the DR region: serve them from there when the primary bucket errs or is gone.
            origins.append({"origin_id": "assets-dr", "domain_name": args.failover_bucket_domain_name, "origin_access_control_id": oac.id})
            origin_groups.append({
                "origin_id": "assets-with-failover",
                "failover_criteria": {"status_codes": list(FAILOVER_STATUS_CODES)},
                "members": [{"origin_id": "assets"}, {"origin_id": "assets-dr"}],
            })
            target = "assets-with-failover"
        distribution = aws.cloudfront.Distribution(
            f"{name}-distribution",
            comment=f"{args.resource_prefix} static assets",
            enabled=True,
            is_ipv6_enabled=True,
            http_version="http2and3",
            aliases=[args.hostname],
            default_root_object="index.html",
            price_class=args.price_class,
            web_acl_id=args.web_acl_arn,  # WAFv2 takes the ACL's ARN here
            origins=origins,
            origin_groups=origin_groups,
            default_cache_behavior={
                "target_origin_id": target,
                "viewer_protocol_policy": "redirect-to-https",
                "allowed_methods": ["GET", "HEAD", "OPTIONS"],
                "cached_methods": ["GET", "HEAD"],
                "compress": True,
                "cache_policy_id": CACHING_OPTIMIZED_POLICY_ID,
                "response_headers_policy_id": headers.id,
            },
            viewer_certificate={
                "acm_certificate_arn": args.certificate_arn,
                "ssl_support_method": "sni-only",
                "minimum_protocol_version": "TLSv1.2_2021",
            },
            # No logging_config (v1 needs bucket ACLs): access logs go through CdnAccessLogs (v2).
            restrictions={"geo_restriction": {"restriction_type": "none"}},
            tags=args.tags,
            opts=child,
        )
        for record_type in ("A", "AAAA"):
            aws.route53.Record(
                f"{name}-alias-{record_type.lower()}",
                zone_id=args.zone_id,
                name=args.hostname,
                type=record_type,
                aliases=[
                    {
                        "name": distribution.domain_name,
                        "zone_id": distribution.hosted_zone_id,
                        "evaluate_target_health": False,
                    }
                ],
                opts=child,
            )
        self.bucket_read_statement = bucket_read_statement(args.bucket_arn, distribution.arn)
        if args.manage_bucket_policy:
            aws.s3.BucketPolicy(
                f"{name}-bucket-policy",
                bucket=args.bucket_name,
                policy=pulumi.Output.all(args.bucket_arn, self.bucket_read_statement).apply(
                    lambda v: json.dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                v[1],
                                {
                                    "Sid": "DenyInsecureTransport",
                                    "Effect": "Deny",
                                    "Principal": "*",
                                    "Action": "s3:*",
                                    "Resource": [v[0], f"{v[0]}/*"],
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                                },
                            ],
                        }
                    )
                ),
                opts=child,
            )
        self.distribution_id = distribution.id
        self.distribution_arn = distribution.arn
        self.domain_name = distribution.domain_name
        self.register_outputs(
            {
                "distribution_id": self.distribution_id,
                "distribution_arn": self.distribution_arn,
                "domain_name": self.domain_name,
                "bucket_read_statement": self.bucket_read_statement,
            }
        )
