"""VPC flow logs (all traffic) to CloudWatch Logs, encrypted with a KMS key that rotates."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class FlowLogsArgs:
    vpc_id: pulumi.Input[str]
    region: str
    retention_days: int
    tags: dict[str, str] = field(default_factory=dict)
    protect: bool = False  # production: the key and the log group are audit evidence; deleting either loses it


class FlowLogs(pulumi.ComponentResource):
    """The key's policy admits CloudWatch Logs of this region and account only; the delivery role may write to this group only."""

    log_group_name: pulumi.Output[str]
    key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: FlowLogsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:network:FlowLogs", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        kept = pulumi.ResourceOptions(parent=self, protect=args.protect)
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        policy = account.apply(lambda acct: json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "AccountAdmin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{acct}:root"}, "Action": "kms:*", "Resource": "*"},
                {"Sid": "CloudWatchLogs", "Effect": "Allow", "Principal": {"Service": f"logs.{args.region}.amazonaws.com"},
                 "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], "Resource": "*",
                 "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{args.region}:{acct}:*"}}},
            ],
        }))
        key = aws.kms.Key(f"{name}-key", description=f"{name}: CloudWatch Logs", enable_key_rotation=True,
                          deletion_window_in_days=30, policy=policy, tags=args.tags, opts=kept)
        group = aws.cloudwatch.LogGroup(f"{name}-group", name=f"/platform/{name}/vpc-flow-logs", kms_key_id=key.arn,
                                        retention_in_days=args.retention_days, tags=args.tags, opts=kept)
        role = aws.iam.Role(f"{name}-role", assume_role_policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        }), tags=args.tags, opts=child)
        aws.iam.RolePolicy(f"{name}-role-policy", role=role.id, policy=group.arn.apply(lambda arn: json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                           "Resource": [arn, f"{arn}:*"]}],
        })), opts=child)
        aws.ec2.FlowLog(f"{name}-flow-log", vpc_id=args.vpc_id, traffic_type="ALL", log_destination_type="cloud-watch-logs",
                        log_destination=group.arn, iam_role_arn=role.arn, tags=args.tags, opts=child)
        self.log_group_name = group.name
        self.key_arn = key.arn
        self.register_outputs({"logGroupName": group.name, "keyArn": key.arn})
