"""S3 cross-region replication with Replication Time Control from the primary buckets into their DR copies."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class ReplicatedBucket:
    role: str  # "assets", "uploads", "exports"
    source_bucket: pulumi.Input[str]  # the primary bucket's name (data layer); it must be versioned, which data does
    source_arn: pulumi.Input[str]
    destination_arn: pulumi.Input[str]  # the DR bucket created by this layer


@dataclass
class DrBucketReplicationArgs:
    name_prefix: str
    buckets: list[ReplicatedBucket]
    source_kms_key_arn: pulumi.Input[str]  # the primary buckets key: S3 decrypts the source objects with it
    destination_kms_key_arn: pulumi.Input[str]  # the DR buckets key: replicas are re-encrypted with it
    tags: dict[str, str]
    replication_minutes: int = 15  # S3 RTC's SLA: 99.99 % of objects within 15 minutes, well inside the 1 h RPO


class DrBucketReplication(pulumi.ComponentResource):
    """Lives on the PRIMARY side: the caller passes no provider, so the children use the default (primary) one.

    A replication configuration is a property of the source bucket, so it is written through the
    provider of the source bucket's region; the IAM role is global and assumed by S3 in that region.
    """

    role_arn: pulumi.Output[str]
    config_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: DrBucketReplicationArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:dr:DrBucketReplication", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-role",
            name=f"{args.name_prefix}-s3-replication",
            description="S3 replicates the primary buckets into the DR region",
            assume_role_policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}],
            }),
            tags=args.tags,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=pulumi.Output.all(
                [b.source_arn for b in args.buckets],
                [b.destination_arn for b in args.buckets],
                args.source_kms_key_arn,
                args.destination_kms_key_arn,
            ).apply(lambda v: _least_privilege(*v)),
            opts=child,
        )
        self.role_arn = role.arn
        self.config_ids = {}
        for bucket in args.buckets:
            config = aws.s3.BucketReplicationConfig(
                f"{name}-{bucket.role}",
                bucket=bucket.source_bucket,
                role=role.arn,
                rules=[{
                    "id": f"to-dr-{bucket.role}",
                    "status": "Enabled",
                    "priority": 1,
                    "filter": {"prefix": ""},
                    # Deletions reach the DR copy too, so a failover does not resurrect deleted objects.
                    "delete_marker_replication": {"status": "Enabled"},
                    "source_selection_criteria": {"sse_kms_encrypted_objects": {"status": "Enabled"}},
                    "destination": {
                        "bucket": bucket.destination_arn,
                        "storage_class": "STANDARD",
                        "encryption_configuration": {"replica_kms_key_id": args.destination_kms_key_arn},
                        "replication_time": {"status": "Enabled", "time": {"minutes": args.replication_minutes}},
                        "metrics": {"status": "Enabled", "event_threshold": {"minutes": args.replication_minutes}},
                    },
                }],
                opts=child,
            )
            self.config_ids[bucket.role] = config.id
        self.register_outputs({"role_arn": self.role_arn, "config_ids": self.config_ids})


def _least_privilege(sources: list[str], destinations: list[str], source_key: str, destination_key: str) -> str:
    """Read versions of exactly these sources, write replicas into exactly these destinations."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "ReadReplicationConfig", "Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": sources},
            {
                "Sid": "ReadSourceVersions",
                "Effect": "Allow",
                "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                "Resource": [f"{arn}/*" for arn in sources],
            },
            {
                "Sid": "WriteReplicas",
                "Effect": "Allow",
                "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                "Resource": [f"{arn}/*" for arn in destinations],
            },
            {"Sid": "DecryptSource", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": source_key},
            {"Sid": "EncryptReplicas", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:GenerateDataKey"], "Resource": destination_key},
        ],
    })
