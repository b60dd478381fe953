"""The messaging layer: SQS job queues with dead-letter queues, SNS topics, SES email and SNS SMS settings."""

from __future__ import annotations

import pulumi

from stacks.components.email_sending import EmailSending, EmailSendingArgs
from stacks.components.job_queue import JobQueue, JobQueueArgs
from stacks.components.messaging_key import MessagingKey, MessagingKeyArgs
from stacks.components.notification_topics import NotificationTopics, NotificationTopicsArgs
from stacks.components.sms_settings import SmsSettings, SmsSettingsArgs
from stacks.messaging.settings import MessagingSettings
from stacks.outputs import Layer, export_outputs


def program() -> None:
    settings = MessagingSettings.from_config(pulumi.Config())
    production, tags, prefix = settings.production, settings.tags, settings.prefix

    key = MessagingKey(
        "messaging",
        MessagingKeyArgs(alias=f"{prefix}-messaging", deletion_window_days=30 if production else 7, protect=production, tags=tags),
    )

    queues: dict[str, JobQueue] = {}
    for spec in settings.queues:
        queues[spec.name] = JobQueue(
            f"queue-{spec.name}",
            JobQueueArgs(
                queue_name=f"{prefix}-{spec.name}",
                kms_key_arn=key.arn,
                visibility_timeout_seconds=spec.visibility_timeout_seconds,
                max_receive_count=spec.max_receive_count,
                retention_seconds=spec.retention_seconds,
                dead_letter_retention_seconds=settings.dead_letter_retention_seconds,
                fifo=spec.fifo,
                content_based_deduplication=spec.content_based_deduplication,
                # In-flight jobs are production state: a stray `pulumi destroy` must not drop them.
                protect=production,
                tags=tags,
            ),
        )

    topics = NotificationTopics(
        "notifications",
        NotificationTopicsArgs(name_prefix=prefix, topics=settings.topics, kms_key_arn=key.arn, tags=tags),
    )
    email = EmailSending(
        "email",
        EmailSendingArgs(domain=settings.email_domain, configuration_set_name=f"{prefix}-email", tags=tags),
    )
    SmsSettings(
        "sms",
        SmsSettingsArgs(
            sender_id=settings.sms_sender_id,
            monthly_spend_limit_usd=settings.sms_monthly_spend_limit_usd,
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
            "sesDomain": settings.email_domain,
            "sesDkimTokens": email.dkim_tokens,
        },
    )
