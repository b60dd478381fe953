"""A hardened S3 bucket: versioned, encrypted, private, TLS only, access-logged, with lifecycle rules."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws


@dataclass
class SecureBucketArgs:
    bucket_name: str  # physical name, f"{organisation}-{environment}-<role>"
    # SSE-KMS with this key; None means SSE-S3, which only the access-log bucket uses: S3 server access
    # logging cannot deliver into a bucket whose default encryption is SSE-KMS.
    kms_key_arn: pulumi.Input[str] | None
    log_bucket: pulumi.Input[str] | None  # where server access logs go; None for the log bucket itself
    noncurrent_version_days: int = 90
    infrequent_access_after_days: int = 30  # STANDARD_IA needs 30 days at least
    glacier_after_days: int | None = 180
    expire_after_days: int | None = None  # current versions; for log buckets
    # Extra bucket policy statements, given the bucket ARN (e.g. a service that delivers into it).
    extra_statements: list[Any] = field(default_factory=list)  # callables arn -> Input[dict]
    tags: dict[str, str] = field(default_factory=dict)


def deny_insecure_transport(arn: str) -> dict:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def harden_bucket(
    name: str,
    *,
    parent: pulumi.Resource,
    bucket_name: str,
    kms_key_arn: pulumi.Input[str] | None,
    tags: dict[str, str],
    force_destroy: bool = False,
) -> tuple[aws.s3.Bucket, aws.s3.BucketVersioning, aws.s3.BucketPublicAccessBlock]:
    """Create `<name>-bucket` with what every platform bucket has, children of parent: versioning, default
    encryption (SSE-KMS with the key, SSE-S3 without one), all four public access blocks, ACLs disabled.

    Returns the bucket, its versioning and its public access block, which a policy or lifecycle must wait for.
    """
    child = pulumi.ResourceOptions(parent=parent)
    bucket = aws.s3.Bucket(f"{name}-bucket", bucket=bucket_name, force_destroy=force_destroy, tags=tags, opts=child)
    versioning = aws.s3.BucketVersioning(f"{name}-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"}, opts=child)
    by_default: aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgsDict = (
        {"sse_algorithm": "aws:kms", "kms_master_key_id": kms_key_arn} if kms_key_arn is not None else {"sse_algorithm": "AES256"}
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": by_default, "bucket_key_enabled": kms_key_arn is not None}],
        opts=child,
    )
    block = aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    aws.s3.BucketOwnershipControls(f"{name}-ownership", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child)
    return bucket, versioning, block


class SecureBucket(pulumi.ComponentResource):
    """One bucket with every hardening resource pulumi_aws 7 splits out of aws.s3.Bucket."""

    bucket_name: pulumi.Output[str]
    arn: pulumi.Output[str]
    regional_domain_name: pulumi.Output[str]

    def __init__(self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:data:SecureBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        bucket, versioning, block = harden_bucket(
            name, parent=self, bucket_name=args.bucket_name, kms_key_arn=args.kms_key_arn, tags=args.tags
        )
        statements = [deny_insecure_transport, *args.extra_statements]
        resolved: pulumi.Output[list[Any]] = bucket.arn.apply(lambda arn: pulumi.Output.all(*[make(arn) for make in statements]))
        aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket.id,
            policy=resolved.apply(lambda values: json.dumps({"Version": "2012-10-17", "Statement": list(values)})),
            # S3 rejects a policy while the public access block is still being applied.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[block]),
        )
        if args.log_bucket is not None:
            aws.s3.BucketLogging(
                f"{name}-logging", bucket=bucket.id, target_bucket=args.log_bucket, target_prefix=f"s3/{args.bucket_name}/", opts=child
            )
        transitions: list[aws.s3.BucketLifecycleConfigurationRuleTransitionArgsDict] = [
            {"days": args.infrequent_access_after_days, "storage_class": "STANDARD_IA"}
        ]
        if args.glacier_after_days is not None:
            transitions.append({"days": args.glacier_after_days, "storage_class": "GLACIER_IR"})
        rules: list[aws.s3.BucketLifecycleConfigurationRuleArgsDict] = [
            {"id": "abort-incomplete-multipart-uploads", "status": "Enabled", "filter": {"prefix": ""},
             "abort_incomplete_multipart_upload": {"days_after_initiation": 7}},
            {
                "id": "expire-noncurrent-versions",
                "status": "Enabled",
                "filter": {"prefix": ""},
                "noncurrent_version_expiration": {"noncurrent_days": args.noncurrent_version_days},
            },
            {"id": "tier-down-current-versions", "status": "Enabled", "filter": {"prefix": ""}, "transitions": transitions},
        ]
        if args.expire_after_days is not None:
            rules.append({"id": "expire-current-versions", "status": "Enabled", "filter": {"prefix": ""}, "expiration": {"days": args.expire_after_days}})
        # Lifecycle rules on noncurrent versions need versioning first.
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle", bucket=bucket.id, rules=rules, opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning])
        )

        self.bucket_name = bucket.bucket
        self.arn = bucket.arn
        self.regional_domain_name = bucket.bucket_regional_domain_name
        self.register_outputs({"bucket_name": self.bucket_name, "arn": self.arn, "regional_domain_name": self.regional_domain_name})
