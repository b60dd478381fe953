"""Pulumi config of the messaging layer: queues, topics, the SES sending domain and SMS settings."""

from __future__ import annotations

from typing import Any

from platformctl.config.platform_file import Platform

_DAY_SECONDS = 86_400


def build(platform: Platform, env: str) -> dict[str, Any]:
    messaging = platform.messaging
    return {
        "queues": [
            {
                "name": queue.name,
                "visibilityTimeoutSeconds": queue.visibility_timeout_seconds,
                "maxReceiveCount": queue.max_receive_count,
                "retentionSeconds": queue.retention_days * _DAY_SECONDS,
                "fifo": queue.fifo,
                "contentBasedDeduplication": queue.content_based_deduplication,
            }
            for queue in messaging.queues
        ],
        "deadLetterRetentionSeconds": messaging.dlq_retention_days * _DAY_SECONDS,
        "topics": list(messaging.topics),
        "emailDomain": f"{messaging.email_from_subdomain}.{platform.domain}",
        "smsSenderId": messaging.sms_sender_id,
        "smsMonthlySpendLimitUsd": messaging.sms_monthly_spend_limit_usd,
    }
