"""The platform's S3 buckets: access logs first, then assets, uploads and data exports that log into it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from stacks.components.secure_bucket import SecureBucket, SecureBucketArgs

ROLES = ("assets", "uploads", "exports")


@dataclass
class DataBucketsArgs:
    name_prefix: str  # f"{organisation}-{environment}"
    kms_key_arn: pulumi.Input[str]  # the buckets key
    account_id: pulumi.Input[str]
    log_retention_days: int
    tags: dict[str, str] = field(default_factory=dict)


class DataBuckets(pulumi.ComponentResource):
    """Four SecureBuckets and the policy statements that let AWS services deliver into or read from them."""

    buckets: dict[str, SecureBucket]

    def __init__(self, name: str, args: DataBucketsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:data:DataBuckets", name, None, opts)
        account = pulumi.Output.from_input(args.account_id)
        prefix = args.name_prefix

        def s3_log_delivery(arn: str) -> pulumi.Output[dict]:
            # ACLs are disabled (BucketOwnerEnforced), so S3 server access logs are admitted by policy,
            # only from this account's buckets of this environment.
            return account.apply(
                lambda a: {
                    "Sid": "S3ServerAccessLogDelivery",
                    "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"{arn}/s3/*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": a}, "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{prefix}-*"}},
                }
            )

        def vended_log_delivery(arn: str) -> pulumi.Output[dict]:
            # CloudWatch vended log delivery (CloudFront standard logging v2, made by the edge layer)
            # writes as delivery.logs.amazonaws.com; only for this account's delivery sources.
            return account.apply(
                lambda a: {
                    "Sid": "VendedLogDelivery",
                    "Effect": "Allow",
                    "Principal": {"Service": "delivery.logs.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"{arn}/*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": a}, "ArnLike": {"aws:SourceArn": f"arn:aws:logs:*:{a}:delivery-source:*"}},
                }
            )

        def vended_log_acl_check(arn: str) -> pulumi.Output[dict]:
            return account.apply(
                lambda a: {
                    "Sid": "VendedLogDeliveryAclCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": "delivery.logs.amazonaws.com"},
                    "Action": "s3:GetBucketAcl",
                    "Resource": arn,
                    "Condition": {"StringEquals": {"aws:SourceAccount": a}},
                }
            )

        def cloudfront_read(arn: str) -> pulumi.Output[dict]:
            # The edge layer's distribution reads assets through origin access control. Edge runs after
            # data, so its distribution ARN is not known here: any distribution of this account may read.
            return account.apply(
                lambda a: {
                    "Sid": "AllowCloudFrontOfThisAccountRead",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudfront.amazonaws.com"},
                    "Action": "s3:GetObject",
                    "Resource": f"{arn}/*",
                    "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:cloudfront::{a}:distribution/*"}},
                }
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
                extra_statements=[s3_log_delivery, vended_log_delivery, vended_log_acl_check],
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
                    tags={**args.tags, "purpose": role},
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({role: bucket.arn for role, bucket in self.buckets.items()})
