"""The primary's queues as DR queue specs, their physical names read from the messaging layer's outputs.

A queue URL ends with the queue's name and an SQS ARN's last field is the name, so the DR copies get the
primary's names by wiring, not by re-deriving a naming convention.
"""

from __future__ import annotations

from typing import Any

from stacks.components.dr_queues import DrQueue
from stacks.outputs import LayerReference


def url_name(url: str) -> str:
    """The queue name at the end of https://sqs.<region>.amazonaws.com/<account>/<name> (anything else kept whole)."""
    return url.rsplit("/", 1)[-1] if url.startswith("https://") else url


def arn_name(arn: str) -> str:
    """The last field of arn:partition:service:region:account:resource (a value that is no ARN is kept whole)."""
    return arn.split(":", 5)[5] if arn.startswith("arn:") else arn


def dr_queue_specs(queues: list[dict[str, Any]], messaging: LayerReference) -> list[DrQueue]:
    """One DrQueue per queue of platform.yaml, named as messaging named the primary's queue and DLQ."""
    urls, dead_letter_arns = messaging.get("queueUrls"), messaging.get("deadLetterQueueArns")
    return [
        DrQueue(
            key=spec["name"],
            queue_name=urls[spec["name"]].apply(url_name),
            dlq_name=dead_letter_arns[spec["name"]].apply(arn_name),
            visibility_timeout_seconds=spec["visibility_timeout_seconds"],
            max_receive_count=spec["max_receive_count"],
            retention_days=spec["retention_days"],
            fifo=spec.get("fifo", False),
        )
        for spec in queues
    ]
