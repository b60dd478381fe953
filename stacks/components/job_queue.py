"""An SQS job queue with its dead-letter queue, both KMS-encrypted and reachable only over TLS."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class JobQueueArgs:
    queue_name: str  # physical name without the .fifo suffix, e.g. acme-prod-jobs
    kms_key_arn: pulumi.Input[str]
    visibility_timeout_seconds: int = 60
    max_receive_count: int = 5
    retention_seconds: int = 4 * 86_400
    dead_letter_retention_seconds: int = 14 * 86_400
    fifo: bool = False
    content_based_deduplication: bool = False
    # SQS reuses a data key this long before asking KMS again: fewer KMS calls, same protection.
    kms_data_key_reuse_seconds: int = 300
    protect: bool = False
    tags: dict[str, str] = field(default_factory=dict)


def tls_only_queue_policy(queue_arn: str) -> str:
    """A queue policy that refuses every request not made over TLS (primary and DR queues alike)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Action": "sqs:*",
                    "Resource": queue_arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        },
        sort_keys=True,
    )


class JobQueue(pulumi.ComponentResource):
    """Messages that fail max_receive_count times move to the dead-letter queue instead of looping."""

    url: pulumi.Output[str]
    arn: pulumi.Output[str]
    dead_letter_url: pulumi.Output[str]
    dead_letter_arn: pulumi.Output[str]

    def __init__(self, name: str, args: JobQueueArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:messaging:JobQueue", name, None, opts)
        # SQS requires FIFO queues to be named *.fifo, and a FIFO queue's DLQ to be FIFO too.
        suffix = ".fifo" if args.fifo else ""
        child = pulumi.ResourceOptions(parent=self, protect=args.protect)

        dead_letter = aws.sqs.Queue(
            f"{name}-dlq",
            name=f"{args.queue_name}-dlq{suffix}",
            message_retention_seconds=args.dead_letter_retention_seconds,
            tags=args.tags,
            fifo_queue=True if args.fifo else None,
            content_based_deduplication=args.content_based_deduplication if args.fifo else None,
            kms_master_key_id=args.kms_key_arn,
            kms_data_key_reuse_period_seconds=args.kms_data_key_reuse_seconds,
            opts=child,
        )
        queue = aws.sqs.Queue(
            f"{name}-queue",
            name=f"{args.queue_name}{suffix}",
            visibility_timeout_seconds=args.visibility_timeout_seconds,
            message_retention_seconds=args.retention_seconds,
            redrive_policy=pulumi.Output.json_dumps(
                {"deadLetterTargetArn": dead_letter.arn, "maxReceiveCount": args.max_receive_count}
            ),
            tags=args.tags,
            fifo_queue=True if args.fifo else None,
            content_based_deduplication=args.content_based_deduplication if args.fifo else None,
            kms_master_key_id=args.kms_key_arn,
            kms_data_key_reuse_period_seconds=args.kms_data_key_reuse_seconds,
            opts=child,
        )
        # A separate resource: the DLQ would otherwise need the source queue's ARN before it exists.
        aws.sqs.RedriveAllowPolicy(
            f"{name}-dlq-redrive-allow",
            queue_url=dead_letter.url,
            redrive_allow_policy=pulumi.Output.json_dumps({"redrivePermission": "byQueue", "sourceQueueArns": [queue.arn]}),
            opts=pulumi.ResourceOptions(parent=self),
        )
        for role, target in (("queue", queue), ("dlq", dead_letter)):
            aws.sqs.QueuePolicy(
                f"{name}-{role}-tls-only",
                queue_url=target.url,
                policy=target.arn.apply(tls_only_queue_policy),
                opts=pulumi.ResourceOptions(parent=self),
            )

        self.url = queue.url
        self.arn = queue.arn
        self.dead_letter_url = dead_letter.url
        self.dead_letter_arn = dead_letter.arn
        self.register_outputs(
            {"url": self.url, "arn": self.arn, "deadLetterUrl": self.dead_letter_url, "deadLetterArn": self.dead_letter_arn}
        )
