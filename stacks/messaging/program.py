"""The messaging layer: SQS job queues with dead-letter queues, SNS topics, SES email and SNS SMS settings."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from stacks.components.email_sending import EmailSending, EmailSendingArgs
from stacks.components.job_queue import JobQueue, JobQueueArgs
from stacks.components.messaging_key import MessagingKey, MessagingKeyArgs
from stacks.components.notification_topics import NotificationTopics, NotificationTopicsArgs
from stacks.components.sms_settings import SmsSettings, SmsSettingsArgs
from stacks.outputs import Layer, export_outputs


@dataclass(frozen=True)
class QueueSpec:
    """One entry of the `queues` config (platform.yaml messaging.queues)."""

    name: str
    visibility_timeout_seconds: int
    max_receive_count: int
    retention_seconds: int
    fifo: bool
    content_based_deduplication: bool

    @classmethod
    def from_config(cls, raw: dict) -> QueueSpec:
        return cls(
            name=raw["name"],
            visibility_timeout_seconds=int(raw["visibilityTimeoutSeconds"]),
            max_receive_count=int(raw["maxReceiveCount"]),
            retention_seconds=int(raw["retentionSeconds"]),
            fifo=bool(raw.get("fifo", False)),
            content_based_deduplication=bool(raw.get("contentBasedDeduplication", False)),
        )


def program() -> None:
    config = pulumi.Config()
    organisation = config.require("organisation")
    environment = config.require("environment")
    production = config.require_bool("production")
    tags = config.require_object("tags")
    prefix = f"{organisation}-{environment}"

    key = MessagingKey(
        "messaging",
        MessagingKeyArgs(alias=f"{prefix}-messaging", deletion_window_days=30 if production else 7, protect=production, tags=tags),
    )

    queues: dict[str, JobQueue] = {}
    for spec in (QueueSpec.from_config(raw) for raw in config.require_object("queues")):
        queues[spec.name] = JobQueue(
            f"queue-{spec.name}",
            JobQueueArgs(
                queue_name=f"{prefix}-{spec.name}",
                kms_key_arn=key.arn,
                visibility_timeout_seconds=spec.visibility_timeout_seconds,
                max_receive_count=spec.max_receive_count,
                retention_seconds=spec.retention_seconds,
                dead_letter_retention_seconds=config.require_int("deadLetterRetentionSeconds"),
                fifo=spec.fifo,
                content_based_deduplication=spec.content_based_deduplication,
                # In-flight jobs are production state: a stray `pulumi destroy` must not drop them.
                protect=production,
                tags=tags,
            ),
        )

    topics = NotificationTopics(
        "notifications",
        NotificationTopicsArgs(name_prefix=prefix, topics=list(config.require_object("topics")), kms_key_arn=key.arn, tags=tags),
    )
    email = EmailSending(
        "email",
        EmailSendingArgs(domain=config.require("emailDomain"), configuration_set_name=f"{prefix}-email", tags=tags),
    )
    SmsSettings(
        "sms",
        SmsSettingsArgs(
            sender_id=config.require("smsSenderId"),
            monthly_spend_limit_usd=config.require_int("smsMonthlySpendLimitUsd"),
        ),
    )

    export_outputs(
        Layer.MESSAGING,
        {
            "queueUrls": {name: q.url for name, q in queues.items()},
            "queueArns": {name: q.arn for name, q in queues.items()},
            "deadLetterQueueArns": {name: q.dead_letter_arn for name, q in queues.items()},
            "topicArns": topics.arns,
            "messagingKeyArn": key.arn,
            "sesIdentityArn": email.identity_arn,
            "sesConfigurationSet": email.configuration_set_name,
            "sesDomain": config.require("emailDomain"),
            "sesDkimTokens": email.dkim_tokens,
        },
    )
