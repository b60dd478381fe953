"""The KMS key that encrypts the messaging layer's queues and topics at rest."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

# What SQS and SNS need of a customer managed key to encrypt and read messages for this account.
_SERVICE_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"]


@dataclass
class MessagingKeyArgs:
    alias: str  # without the alias/ prefix, e.g. acme-prod-messaging
    deletion_window_days: int = 30
    protect: bool = False
    tags: dict[str, str] = field(default_factory=dict)


def key_policy(account_id: str, partition: str) -> str:
    """Account administers the key through IAM; SQS and SNS use it only on behalf of this account."""
    import json

    def service(sid: str, principal: str) -> dict:
        return {
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"Service": principal},
            "Action": _SERVICE_ACTIONS,
            "Resource": "*",
            # Confused-deputy guard: the service may use the key only for this account's queues/topics.
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        }

    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministersThroughIam",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                service("SqsEncryptsQueues", "sqs.amazonaws.com"),
                service("SnsEncryptsTopics", "sns.amazonaws.com"),
            ],
        },
        sort_keys=True,
    )


class MessagingKey(pulumi.ComponentResource):
    """A rotating customer managed KMS key with an alias, for SQS and SNS server-side encryption."""

    arn: pulumi.Output[str]
    key_id: pulumi.Output[str]
    alias_name: pulumi.Output[str]

    def __init__(self, name: str, args: MessagingKeyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:messaging:MessagingKey", name, None, opts)
        caller = aws.get_caller_identity_output(opts=pulumi.InvokeOptions(parent=self))
        partition = aws.get_partition_output(opts=pulumi.InvokeOptions(parent=self))
        key = aws.kms.Key(
            f"{name}-key",
            description=f"Encrypts SQS queues and SNS topics of {args.alias}",
            enable_key_rotation=True,
            deletion_window_in_days=args.deletion_window_days,
            policy=pulumi.Output.all(caller.account_id, partition.partition).apply(lambda v: key_policy(v[0], v[1])),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        alias = aws.kms.Alias(
            f"{name}-alias",
            name=f"alias/{args.alias}",
            target_key_id=key.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = key.arn
        self.key_id = key.key_id
        self.alias_name = alias.name
        self.register_outputs({"arn": self.arn, "keyId": self.key_id, "aliasName": self.alias_name})
