"""An S3 repository in the DR region for OpenSearch snapshots, and the role OpenSearch assumes to write them."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.components.dr_bucket import DrBucket, DrBucketArgs


@dataclass
class DrSearchSnapshotsArgs:
    name_prefix: str
    kms_key_arn: pulumi.Input[str]  # the DR buckets key
    tags: dict[str, str]
    log_bucket: pulumi.Input[str] | None = None  # the DR access-log bucket


class DrSearchSnapshots(pulumi.ComponentResource):
    """The index is rebuilt in the DR region by restoring these snapshots into a fresh domain.

    The caller passes the DR provider in opts; the bucket inherits it, the IAM role is global.
    The repository is registered on the domain with `role_arn` (the `_snapshot` API), by an operator
    holding iam:PassRole on it: that is a runtime step, not a resource.
    """

    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: DrSearchSnapshotsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:dr:DrSearchSnapshots", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        bucket = DrBucket(
            f"{name}-repository",
            DrBucketArgs(
                bucket_name=f"{args.name_prefix}-search-snapshots", kms_key_arn=args.kms_key_arn, tags=args.tags, log_bucket=args.log_bucket
            ),
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-role",
            name=f"{args.name_prefix}-search-snapshots",
            description="OpenSearch writes and reads manual snapshots in the DR bucket",
            assume_role_policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "es.amazonaws.com"}, "Action": "sts:AssumeRole"}],
            }),
            tags=args.tags,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=pulumi.Output.all(bucket.arn, args.kms_key_arn).apply(lambda v: _snapshot_access(*v)),
            opts=child,
        )
        self.bucket_name = bucket.bucket_name
        self.bucket_arn = bucket.arn
        self.role_arn = role.arn
        self.register_outputs({"bucket_name": self.bucket_name, "bucket_arn": self.bucket_arn, "role_arn": self.role_arn})


def _snapshot_access(bucket_arn: str, key_arn: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "ListRepository", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket_arn},
            {"Sid": "ReadWriteSnapshots", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": f"{bucket_arn}/*"},
            {"Sid": "UseBucketKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": key_arn},
        ],
    })
