"""SNS topics for notifications, encrypted with the messaging key and published to only over TLS."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class NotificationTopicsArgs:
    name_prefix: str  # e.g. acme-prod: topic <name> is acme-prod-<name>
    topics: list[str]
    kms_key_arn: pulumi.Input[str]
    tags: dict[str, str] = field(default_factory=dict)


def _tls_only_policy(topic_arn: str, account_id: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountPublishesAndSubscribes",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"],
                    "Resource": topic_arn,
                },
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        },
        sort_keys=True,
    )


class NotificationTopics(pulumi.ComponentResource):
    """One SNS topic per name; services publish email/SMS/push fan-out events to them."""

    arns: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: NotificationTopicsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:messaging:NotificationTopics", name, None, opts)
        caller = aws.get_caller_identity_output(opts=pulumi.InvokeOptions(parent=self))
        self.arns = {}
        for topic_name in args.topics:
            topic = aws.sns.Topic(
                f"{name}-{topic_name}",
                name=f"{args.name_prefix}-{topic_name}",
                kms_master_key_id=args.kms_key_arn,
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            aws.sns.TopicPolicy(
                f"{name}-{topic_name}-policy",
                arn=topic.arn,
                policy=pulumi.Output.all(topic.arn, caller.account_id).apply(lambda v: _tls_only_policy(v[0], v[1])),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.arns[topic_name] = topic.arn
        self.register_outputs({"arns": self.arns})
