"""The primary's SQS queues pre-created in the DR region, each with its dead-letter queue, encrypted with a DR key."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial

import pulumi
import pulumi_aws as aws

from stacks.components.job_queue import tls_only_queue_policy

DLQ_RETENTION_SECONDS = 14 * 24 * 3600  # the SQS maximum: time to inspect and redrive after a failover


def redrive_policy(dead_letter_arn: str, max_receive_count: int) -> str:
    """The queue's redrive policy: after max_receive_count receives a message moves to the dead-letter queue."""
    return json.dumps({"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": max_receive_count})


@dataclass
class DrQueue:
    key: str  # the queue's name in platform.yaml
    queue_name: pulumi.Input[str]  # physical name, the same as the primary's (read from messaging's outputs)
    dlq_name: pulumi.Input[str]
    visibility_timeout_seconds: int
    max_receive_count: int
    retention_days: int
    fifo: bool = False


@dataclass
class DrQueuesArgs:
    queues: list[DrQueue]
    kms_key_arn: pulumi.Input[str]
    tags: dict[str, str]


class DrQueues(pulumi.ComponentResource):
    """Queues hold no replicated messages: after a failover producers in the DR region write to these,
    under the same names, so services need only their region switched. The caller passes the DR provider."""

    urls: dict[str, pulumi.Output[str]]
    arns: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: DrQueuesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:dr:DrQueues", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.urls, self.arns = {}, {}
        for spec in args.queues:
            dlq = aws.sqs.Queue(
                f"{name}-{spec.key}-dlq",
                name=spec.dlq_name,
                message_retention_seconds=DLQ_RETENTION_SECONDS,
                tags=args.tags,
                opts=child,
                kms_master_key_id=args.kms_key_arn,
                kms_data_key_reuse_period_seconds=300,
                fifo_queue=True if spec.fifo else None,
            )
            queue = aws.sqs.Queue(
                f"{name}-{spec.key}",
                name=spec.queue_name,
                visibility_timeout_seconds=spec.visibility_timeout_seconds,
                message_retention_seconds=spec.retention_days * 24 * 3600,
                redrive_policy=dlq.arn.apply(partial(redrive_policy, max_receive_count=spec.max_receive_count)),
                tags=args.tags,
                opts=child,
                kms_master_key_id=args.kms_key_arn,
                kms_data_key_reuse_period_seconds=300,
                fifo_queue=True if spec.fifo else None,
            )
            for role, target in (("queue", queue), ("dlq", dlq)):
                aws.sqs.QueuePolicy(
                    f"{name}-{spec.key}-{role}-tls-only", queue_url=target.url, policy=target.arn.apply(tls_only_queue_policy), opts=child
                )
            self.urls[spec.key] = queue.url
            self.arns[spec.key] = queue.arn
        self.register_outputs({"urls": self.urls, "arns": self.arns})
