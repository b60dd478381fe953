"""The platform's S3 buckets: access logs first, then assets, uploads and data exports that log into it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pulumi

from stacks.components.secure_bucket import SecureBucket, SecureBucketArgs

ROLES = ("assets", "uploads", "exports")
# A bucket policy statement, made from the bucket's ARN (SecureBucketArgs.extra_statements).
Statement = Callable[[str], pulumi.Output[dict]]


@dataclass
class DataBucketsArgs:
    name_prefix: str  # f"{organisation}-{environment}"
    kms_key_arn: pulumi.Input[str]  # the buckets key
    account_id: pulumi.Input[str]
    log_retention_days: int
    tags: dict[str, str] = field(default_factory=dict)
    # Roles whose buckets also carry backup_tags, the tags AWS Backup selects by.
    backed_up_roles: tuple[str, ...] = ()
    backup_tags: dict[str, str] = field(default_factory=dict)


class DataBuckets(pulumi.ComponentResource):
    """Four SecureBuckets and the policy statements that let AWS services deliver into or read from them."""

    buckets: dict[str, SecureBucket]

    def __init__(self, name: str, args: DataBucketsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:data:DataBuckets", name, None, opts)
        account = pulumi.Output.from_input(args.account_id)
        prefix = args.name_prefix

        def allow_service(sid: str, service: str, action: str, suffix: str, condition: Callable[[str], dict]) -> Statement:
            """A statement letting one AWS service do one action on the bucket ARN + suffix, under condition(account id)."""
            return lambda arn: account.apply(
                lambda a: {
                    "Sid": sid,
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": action,
                    "Resource": f"{arn}{suffix}",
                    "Condition": condition(a),
                }
            )

        # ACLs are disabled (BucketOwnerEnforced), so S3 server access logs are admitted by policy,
        # only from this account's buckets of this environment.
        s3_log_delivery = allow_service(
            "S3ServerAccessLogDelivery", "logging.s3.amazonaws.com", "s3:PutObject", "/s3/*",
            lambda a: {"StringEquals": {"aws:SourceAccount": a}, "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{prefix}-*"}},
        )
        # CloudWatch vended log delivery (CloudFront standard logging v2, made by the edge layer)
        # writes as delivery.logs.amazonaws.com; only for this account's delivery sources.
        vended_log_delivery = allow_service(
            "VendedLogDelivery", "delivery.logs.amazonaws.com", "s3:PutObject", "/*",
            lambda a: {"StringEquals": {"aws:SourceAccount": a}, "ArnLike": {"aws:SourceArn": f"arn:aws:logs:*:{a}:delivery-source:*"}},
        )
        vended_log_acl_check = allow_service(
            "VendedLogDeliveryAclCheck", "delivery.logs.amazonaws.com", "s3:GetBucketAcl", "",
            lambda a: {"StringEquals": {"aws:SourceAccount": a}},
        )
        # The public entry's ALB (addons layer) writes access logs under alb/ as the ELB log delivery service; ALB logs
        # support SSE-S3 only, which is why they land here and not in a KMS bucket.
        alb_log_delivery = allow_service(
            "AlbAccessLogDelivery", "logdelivery.elasticloadbalancing.amazonaws.com", "s3:PutObject", "/alb/*",
            lambda a: {"StringEquals": {"aws:SourceAccount": a}},
        )
        # The edge layer's distribution reads assets through origin access control. Edge runs after
        # data, so its distribution ARN is not known here: any distribution of this account may read.
        cloudfront_read = allow_service(
            "AllowCloudFrontOfThisAccountRead", "cloudfront.amazonaws.com", "s3:GetObject", "/*",
            lambda a: {"ArnLike": {"aws:SourceArn": f"arn:aws:cloudfront::{a}:distribution/*"}},
        )

        logs = SecureBucket(
            f"{name}-access-logs",
            SecureBucketArgs(
                bucket_name=f"{prefix}-access-logs",
                kms_key_arn=None,  # SSE-S3: server access logging cannot write into an SSE-KMS bucket
                log_bucket=None,  # a log bucket that logs into itself loops
                glacier_after_days=None,
                expire_after_days=args.log_retention_days,
                noncurrent_version_days=30,
                extra_statements=[s3_log_delivery, vended_log_delivery, vended_log_acl_check, alb_log_delivery],
                tags={**args.tags, "purpose": "access-logs"},
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.buckets = {"access-logs": logs}
        extras = {"assets": [cloudfront_read]}
        for role in ROLES:
            self.buckets[role] = SecureBucket(
                f"{name}-{role}",
                SecureBucketArgs(
                    bucket_name=f"{prefix}-{role}",
                    kms_key_arn=args.kms_key_arn,
                    log_bucket=logs.bucket_name,
                    extra_statements=extras.get(role, []),
                    tags={**args.tags, "purpose": role, **(args.backup_tags if role in args.backed_up_roles else {})},
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({role: bucket.arn for role, bucket in self.buckets.items()})
