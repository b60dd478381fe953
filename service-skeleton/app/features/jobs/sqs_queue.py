"""`JobQueue` on Amazon SQS through boto3 (calls run in a thread: boto3 is blocking)."""

from __future__ import annotations

import asyncio
import json
from functools import partial
from typing import Any

from app.features.jobs.queue import Job, ReceivedMessage

_MAX_DELAY_SECONDS = 900  # SQS DelaySeconds limit


class SqsJobQueue:
    """Standard or FIFO (URL ending in `.fifo`) queue; the DLQ comes from the redrive policy or settings."""

    def __init__(
        self,
        client: Any,
        *,
        queue_url: str,
        dlq_url: str | None = None,
        visibility_timeout_seconds: int | None = None,
    ) -> None:
        self._client = client
        self.queue_url = queue_url
        self.name = queue_url.rstrip("/").rsplit("/", 1)[-1]
        self._dlq_url = dlq_url
        self._visibility_timeout = visibility_timeout_seconds
        self._redrive: bool | None = None
        self.fifo = self.name.endswith(".fifo")

    @classmethod
    def from_settings(cls, jobs_settings: Any, *, service_name: str) -> SqsJobQueue:
        """Build the boto3 client (it honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SQS) and resolve URLs."""
        import boto3

        client = boto3.client("sqs", region_name=jobs_settings.region)
        queue_url = (
            jobs_settings.queue_url or client.get_queue_url(QueueName=jobs_settings.resolved_queue_name(service_name))["QueueUrl"]
        )
        dlq_url = jobs_settings.dlq_url
        return cls(
            client,
            queue_url=queue_url,
            dlq_url=dlq_url,
            visibility_timeout_seconds=jobs_settings.visibility_timeout_seconds,
        )

    async def _call(self, method: str, **kwargs: Any) -> Any:
        return await asyncio.to_thread(partial(getattr(self._client, method), **kwargs))

    async def send(self, job: Job, *, delay_seconds: int = 0) -> str:
        kwargs: dict[str, Any] = {
            "QueueUrl": self.queue_url,
            "MessageBody": job.to_json(),
            "MessageAttributes": {"job_type": {"DataType": "String", "StringValue": job.type}},
        }
        if self.fifo:
            # FIFO queues deduplicate on this id for 5 minutes: the first line of idempotency.
            kwargs["MessageGroupId"] = job.type
            kwargs["MessageDeduplicationId"] = job.idempotency_key[:128]
        elif delay_seconds:
            kwargs["DelaySeconds"] = min(delay_seconds, _MAX_DELAY_SECONDS)
        response = await self._call("send_message", **kwargs)
        return str(response["MessageId"])

    async def receive(self, *, max_messages: int, wait_seconds: float) -> list[ReceivedMessage]:
        kwargs: dict[str, Any] = {
            "QueueUrl": self.queue_url,
            "MaxNumberOfMessages": max(1, min(max_messages, 10)),
            "WaitTimeSeconds": int(max(0, min(wait_seconds, 20))),
            "MessageSystemAttributeNames": ["ApproximateReceiveCount"],
        }
        if self._visibility_timeout is not None:
            kwargs["VisibilityTimeout"] = self._visibility_timeout
        response = await self._call("receive_message", **kwargs)
        return [
            ReceivedMessage(
                message_id=m["MessageId"],
                body=m["Body"],
                receipt_handle=m["ReceiptHandle"],
                receive_count=int(m.get("Attributes", {}).get("ApproximateReceiveCount", "1")),
            )
            for m in response.get("Messages", [])
        ]

    async def delete(self, message: ReceivedMessage) -> None:
        await self._call("delete_message", QueueUrl=self.queue_url, ReceiptHandle=message.receipt_handle)

    async def change_visibility(self, message: ReceivedMessage, seconds: int) -> None:
        await self._call(
            "change_message_visibility",
            QueueUrl=self.queue_url,
            ReceiptHandle=message.receipt_handle,
            VisibilityTimeout=max(0, min(int(seconds), 43_200)),
        )

    async def _redrive_policy(self) -> dict[str, Any] | None:
        attrs = await self._call("get_queue_attributes", QueueUrl=self.queue_url, AttributeNames=["RedrivePolicy"])
        raw = attrs.get("Attributes", {}).get("RedrivePolicy")
        return json.loads(raw) if raw else None

    async def has_redrive(self) -> bool:
        if self._redrive is None:
            self._redrive = await self._redrive_policy() is not None
        return self._redrive

    async def dead_letter_url(self) -> str:
        """The DLQ: explicit setting, else the redrive policy's target, else "<queue>-dlq"."""
        if self._dlq_url:
            return self._dlq_url
        policy = await self._redrive_policy()
        if policy and policy.get("deadLetterTargetArn"):
            name = str(policy["deadLetterTargetArn"]).rsplit(":", 1)[-1]
        else:
            base = self.name.removesuffix(".fifo")
            name = f"{base}-dlq.fifo" if self.fifo else f"{base}-dlq"
        self._dlq_url = (await self._call("get_queue_url", QueueName=name))["QueueUrl"]
        return self._dlq_url

    async def move_to_dead_letter(self, message: ReceivedMessage, *, reason: str) -> None:
        kwargs: dict[str, Any] = {
            "QueueUrl": await self.dead_letter_url(),
            "MessageBody": message.body,
            "MessageAttributes": {
                "dead_letter_reason": {"DataType": "String", "StringValue": reason[:1000] or "unknown"},
                "source_message_id": {"DataType": "String", "StringValue": message.message_id},
            },
        }
        if self.fifo:
            kwargs["MessageGroupId"] = "dead-letter"
            kwargs["MessageDeduplicationId"] = message.message_id
        # Send before delete: a crash in between duplicates into the DLQ rather than losing the job.
        await self._call("send_message", **kwargs)
        await self.delete(message)

    async def ping(self) -> None:
        await self._call("get_queue_attributes", QueueUrl=self.queue_url, AttributeNames=["QueueArn"])

    async def close(self) -> None:
        close = getattr(self._client, "close", None)
        if close is not None:
            await asyncio.to_thread(close)
