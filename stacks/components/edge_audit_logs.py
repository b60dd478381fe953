"""The edge's audit logs in us-east-1: a KMS key for them, and DNS query logging of the public zone."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

# Route53 writes query logs only to CloudWatch Logs in us-east-1, into groups under this prefix.
QUERY_LOG_PREFIX = "/aws/route53"


@dataclass
class EdgeAuditLogsArgs:
    resource_prefix: str  # f"{organisation}-{environment}"
    zone_id: pulumi.Input[str]
    zone_name: str
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    retention_days: int
    tags: dict[str, str]


def _key_policy(account: str, partition: str) -> str:
    """The account administers the key through IAM; CloudWatch Logs of us-east-1 encrypts this account's groups as itself."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministersThroughIam", "Effect": "Allow", "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudWatchLogsEncryptsThisAccountsLogGroups", "Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
         "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], "Resource": "*",
         "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:{partition}:logs:us-east-1:{account}:log-group:*"}}},
    ]})


class EdgeAuditLogs(pulumi.ComponentResource):
    """Pass the us-east-1 provider in opts: CloudFront's WAF and Route53 query logs live there whatever the primary region."""

    key_arn: pulumi.Output[str]
    query_log_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: EdgeAuditLogsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:edge:EdgeAuditLogs", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        key = aws.kms.Key(
            f"{name}-key",
            description=f"{args.resource_prefix}: edge audit logs in us-east-1 (WAF, DNS queries)",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.all(args.account_id, args.partition).apply(lambda v: _key_policy(*v)),
            tags=args.tags,
            opts=child,
        )
        aws.kms.Alias(f"{name}-key-alias", name=f"alias/{args.resource_prefix}-edge-logs", target_key_id=key.key_id, opts=child)
        group = aws.cloudwatch.LogGroup(
            f"{name}-dns-queries",
            name=f"{QUERY_LOG_PREFIX}/{args.zone_name}",
            retention_in_days=args.retention_days,
            kms_key_id=key.arn,
            tags=args.tags,
            opts=child,
        )
        policy = aws.cloudwatch.LogResourcePolicy(
            f"{name}-dns-queries-policy",
            policy_name=f"{args.resource_prefix}-route53-query-logs",
            policy_document=pulumi.Output.all(args.account_id, args.partition).apply(lambda v: json.dumps({
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "Route53WritesQueryLogs", "Effect": "Allow", "Principal": {"Service": "route53.amazonaws.com"},
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": f"arn:{v[1]}:logs:us-east-1:{v[0]}:log-group:{QUERY_LOG_PREFIX}/*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": v[0]}},
                }],
            })),
            opts=child,
        )
        # Route53 checks that it may write before it accepts the query log configuration.
        aws.route53.QueryLog(
            f"{name}-dns-query-log",
            zone_id=args.zone_id,
            cloudwatch_log_group_arn=group.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
        self.key_arn = key.arn
        self.query_log_group_name = group.name
        self.register_outputs({"key_arn": self.key_arn, "query_log_group_name": self.query_log_group_name})
