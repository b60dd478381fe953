"""Customer-managed KMS keys of the data layer, one per purpose, rotated, with least-privilege key policies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial

import pulumi
import pulumi_aws as aws

PURPOSES = ("database", "cache", "search", "buckets", "logs", "secrets")  # secrets: the services' Secrets Manager secrets


@dataclass
class DataKeysArgs:
    name_prefix: str  # f"{organisation}-{environment}"
    account_id: pulumi.Input[str]
    region: str
    partition: str
    tags: dict[str, str]
    deletion_window_days: int = 30


def key_policy(purpose: str, account_id: str, region: str, partition: str) -> str:
    """The key policy: the account administers the key through IAM; services only where IAM cannot reach.

    RDS, ElastiCache, OpenSearch and S3 use a key on the caller's behalf (kms:ViaService grants), so the
    account statement covers them. CloudWatch Logs and CloudFront call KMS as themselves, so they get a
    statement of their own, scoped to this account's log groups and distributions.
    """
    root = f"arn:{partition}:iam::{account_id}:root"
    statements: list[dict] = [
        {"Sid": "AccountAdministersThroughIam", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"}
    ]
    if purpose == "logs":
        statements.append(
            {
                "Sid": "CloudWatchLogsEncryptsThisAccountsLogGroups",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                "Resource": "*",
                "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:{partition}:logs:{region}:{account_id}:log-group:*"}},
            }
        )
    if purpose == "buckets":
        # CloudFront's origin access control reads SSE-KMS objects of the assets bucket as itself.
        statements.append(
            {
                "Sid": "CloudFrontOfThisAccountDecryptsAssets",
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": ["kms:Decrypt"],
                "Resource": "*",
                "Condition": {"ArnLike": {"aws:SourceArn": f"arn:{partition}:cloudfront::{account_id}:distribution/*"}},
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


class DataKeys(pulumi.ComponentResource):
    """One symmetric key and alias per purpose in PURPOSES."""

    arns: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: DataKeysArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:data:DataKeys", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.arns = {}
        for purpose in PURPOSES:
            key = aws.kms.Key(
                f"{name}-{purpose}",
                description=f"{args.name_prefix} {purpose}: encryption at rest",
                enable_key_rotation=True,
                deletion_window_in_days=args.deletion_window_days,
                policy=pulumi.Output.from_input(args.account_id).apply(
                    partial(key_policy, purpose, region=args.region, partition=args.partition)
                ),
                tags={**args.tags, "purpose": purpose},
                opts=child,
            )
            aws.kms.Alias(f"{name}-{purpose}-alias", name=f"alias/{args.name_prefix}-{purpose}", target_key_id=key.key_id, opts=child)
            self.arns[purpose] = key.arn
        self.register_outputs({"arns": self.arns})
