"""A hardened S3 bucket in the DR region: versioned, SSE-KMS, public access blocked, TLS only."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.components.secure_bucket import deny_insecure_transport, harden_bucket


@dataclass
class DrBucketArgs:
    bucket_name: str  # physical name, f"{organisation}-{environment}-dr-<role>"
    kms_key_arn: pulumi.Input[str]
    tags: dict[str, str]
    force_destroy: bool = False


class DrBucket(pulumi.ComponentResource):
    """One bucket with the same hardening as the primary's; the caller passes the DR provider in opts."""

    bucket_name: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: DrBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:dr:DrBucket", name, None, opts)
        # Replication needs versioning on the destination as well as on the source.
        bucket, versioning, block = harden_bucket(
            name, parent=self, bucket_name=args.bucket_name, kms_key_arn=args.kms_key_arn, tags=args.tags, force_destroy=args.force_destroy
        )
        aws.s3.BucketPolicy(
            f"{name}-tls-only",
            bucket=bucket.id,
            policy=bucket.arn.apply(lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [deny_insecure_transport(arn)]})),
            # S3 rejects a bucket policy while the public access block is being applied.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[block, versioning]),
        )
        self.bucket_name = bucket.bucket
        self.arn = bucket.arn
        self.register_outputs({"bucket_name": self.bucket_name, "arn": self.arn})

