"""The SQS queue through which Karpenter hears of spot interruptions and instance events, fed by EventBridge rules."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

# EventBridge events Karpenter reacts to by draining the node before AWS takes it away.
EVENTS = {
    "spot-interruption": {"source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"]},
    "rebalance": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"]},
    "state-change": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]},
    "scheduled-change": {"source": ["aws.health"], "detail-type": ["AWS Health Event"]},
}


@dataclass
class KarpenterInterruptionsArgs:
    name_prefix: str
    tags: dict[str, str] = field(default_factory=dict)


class KarpenterInterruptions(pulumi.ComponentResource):
    """An encrypted queue that only EventBridge may write to, and one rule per event kind."""

    queue_arn: pulumi.Output[str]
    queue_name: pulumi.Output[str]

    def __init__(self, name: str, args: KarpenterInterruptionsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:addons:KarpenterInterruptions", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        queue = aws.sqs.Queue(
            f"{name}-queue",
            name=f"{args.name_prefix}-karpenter-interruptions",
            message_retention_seconds=300,  # an interruption notice is worthless after the two-minute warning
            sqs_managed_sse_enabled=True,
            tags=args.tags,
            opts=child,
        )
        aws.sqs.QueuePolicy(
            f"{name}-queue-policy",
            queue_url=queue.url,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Sid": "EventBridgeOnly", "Effect": "Allow", "Principal": {"Service": ["events.amazonaws.com", "sqs.amazonaws.com"]},
                         "Action": "sqs:SendMessage", "Resource": queue.arn},
                        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": queue.arn,
                         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                    ],
                }
            ),
            opts=child,
        )
        for kind, pattern in EVENTS.items():
            rule = aws.cloudwatch.EventRule(
                f"{name}-{kind}",
                name=f"{args.name_prefix}-karpenter-{kind}",
                event_pattern=pulumi.Output.json_dumps(pattern),
                tags=args.tags,
                opts=child,
            )
            aws.cloudwatch.EventTarget(f"{name}-{kind}-target", rule=rule.name, arn=queue.arn, opts=child)
        self.queue_arn = queue.arn
        self.queue_name = queue.name
        self.register_outputs({"queueArn": self.queue_arn, "queueName": self.queue_name})
