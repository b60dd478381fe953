"""A hardened S3 bucket in the DR region: versioned, encrypted, public access blocked, TLS only, access-logged, with lifecycle rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from stacks.components.secure_bucket import deny_insecure_transport, harden_bucket


@dataclass
class DrBucketArgs:
    bucket_name: str  # physical name, f"{organisation}-{environment}-dr-<role>"
    # SSE-KMS with this key; None means SSE-S3, which only the DR access-log bucket uses: S3 server access
    # logging cannot deliver into an SSE-KMS bucket.
    kms_key_arn: pulumi.Input[str] | None
    tags: dict[str, str]
    force_destroy: bool = False
    log_bucket: pulumi.Input[str] | None = None  # the DR region's access-log bucket; None for that bucket itself
    # Deleted or overwritten objects (replicated delete markers leave them noncurrent) go after this many days,
    # so an erasure in the primary region reaches the DR copy too instead of being kept forever.
    noncurrent_version_days: int = 30
    expire_after_days: int | None = None  # current versions too; for the log bucket
    # Extra bucket policy statements, made from the bucket ARN (e.g. S3 log delivery into the log bucket).
    extra_statements: list[Callable[[str], Any]] = field(default_factory=list)


class DrBucket(pulumi.ComponentResource):
    """One bucket with the same hardening as the primary's; the caller passes the DR provider in opts."""

    bucket_name: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: DrBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:dr:DrBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Replication needs versioning on the destination as well as on the source.
        bucket, versioning, block = harden_bucket(
            name, parent=self, bucket_name=args.bucket_name, kms_key_arn=args.kms_key_arn, tags=args.tags, force_destroy=args.force_destroy
        )
        statements = [deny_insecure_transport, *args.extra_statements]
        resolved: pulumi.Output[list[Any]] = bucket.arn.apply(lambda arn: pulumi.Output.all(*[make(arn) for make in statements]))
        aws.s3.BucketPolicy(
            f"{name}-tls-only",
            bucket=bucket.id,
            policy=resolved.apply(lambda values: json.dumps({"Version": "2012-10-17", "Statement": list(values)})),
            # S3 rejects a bucket policy while the public access block is being applied.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[block, versioning]),
        )
        if args.log_bucket is not None:
            aws.s3.BucketLogging(
                f"{name}-logging", bucket=bucket.id, target_bucket=args.log_bucket, target_prefix=f"s3/{args.bucket_name}/", opts=child
            )
        rules: list[aws.s3.BucketLifecycleConfigurationRuleArgsDict] = [
            {"id": "abort-incomplete-multipart-uploads", "status": "Enabled", "filter": {"prefix": ""},
             "abort_incomplete_multipart_upload": {"days_after_initiation": 7}},
            {"id": "expire-noncurrent-versions", "status": "Enabled", "filter": {"prefix": ""},
             "noncurrent_version_expiration": {"noncurrent_days": args.noncurrent_version_days}},
        ]
        if args.expire_after_days is not None:
            rules.append({"id": "expire-current-versions", "status": "Enabled", "filter": {"prefix": ""}, "expiration": {"days": args.expire_after_days}})
        else:
            # Delete markers whose versions have expired are removed, so erased keys leave no trace.
            rules.append({"id": "remove-expired-delete-markers", "status": "Enabled", "filter": {"prefix": ""},
                          "expiration": {"expired_object_delete_marker": True}})
        # Lifecycle rules on noncurrent versions need versioning first.
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle", bucket=bucket.id, rules=rules, opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning])
        )
        self.bucket_name = bucket.bucket
        self.arn = bucket.arn
        self.register_outputs({"bucket_name": self.bucket_name, "arn": self.arn})
