"""Customer-managed KMS keys in the DR region, one per data role, rotated yearly."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class DrKeysArgs:
    name_prefix: str  # f"{organisation}-{environment}-dr"
    roles: list[str]  # e.g. ["database", "buckets", "messaging"]
    tags: dict[str, str]
    deletion_window_days: int = 30
    # When set, the buckets key also lets this account's CloudFront distributions decrypt (the failover origin).
    cloudfront_account_id: pulumi.Input[str] | None = None


class DrKeys(pulumi.ComponentResource):
    """KMS keys are regional: a replica or a replicated object in the DR region needs a key there.

    The caller passes the DR provider in opts; the key policy is AWS's default (the account
    administers the key through IAM), so each consumer's role is granted use in its own policy.
    """

    arns: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: DrKeysArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:dr:DrKeys", name, None, opts)
        self.arns = {}
        for role in args.roles:
            key = aws.kms.Key(
                f"{name}-{role}",
                description=f"{args.name_prefix} {role}: encryption at rest of the DR copy",
                enable_key_rotation=True,
                deletion_window_in_days=args.deletion_window_days,
                policy=_cloudfront_reads(args.cloudfront_account_id) if role == "buckets" and args.cloudfront_account_id is not None else None,
                tags={**args.tags, "role": role},
                opts=pulumi.ResourceOptions(parent=self),
            )
            aws.kms.Alias(
                f"{name}-{role}-alias",
                name=f"alias/{args.name_prefix}-{role}",
                target_key_id=key.key_id,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.arns[role] = key.arn
        self.register_outputs({"arns": self.arns})


def _cloudfront_reads(account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """AWS's default policy plus CloudFront: origin access control reads SSE-KMS objects as the CloudFront service itself."""
    return pulumi.Output.from_input(account_id).apply(lambda a: json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministersThroughIam", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{a}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudFrontOfThisAccountDecryptsAssets", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
         "Action": ["kms:Decrypt"], "Resource": "*",
         "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:cloudfront::{a}:distribution/*"}}},
    ]}))
