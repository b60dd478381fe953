"""The messaging layer's Pulumi config as one typed object (the program reads config only here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stacks.layer_settings import ConfigSource, LayerSettings, read_common


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
    def from_config(cls, raw: dict[str, Any]) -> QueueSpec:
        return cls(
            name=raw["name"],
            visibility_timeout_seconds=int(raw["visibilityTimeoutSeconds"]),
            max_receive_count=int(raw["maxReceiveCount"]),
            retention_seconds=int(raw["retentionSeconds"]),
            fifo=bool(raw.get("fifo", False)),
            content_based_deduplication=bool(raw.get("contentBasedDeduplication", False)),
        )


@dataclass(frozen=True, kw_only=True)
class MessagingSettings(LayerSettings):
    queues: list[QueueSpec]
    dead_letter_retention_seconds: int
    topics: list[str]
    email_domain: str
    sms_sender_id: str
    sms_monthly_spend_limit_usd: int

    @classmethod
    def from_config(cls, config: ConfigSource) -> MessagingSettings:
        return cls(
            **read_common(config),
            queues=[QueueSpec.from_config(raw) for raw in config.require_object("queues")],
            dead_letter_retention_seconds=config.require_int("deadLetterRetentionSeconds"),
            topics=list(config.require_object("topics")),
            email_domain=config.require("emailDomain"),
            sms_sender_id=config.require("smsSenderId"),
            sms_monthly_spend_limit_usd=config.require_int("smsMonthlySpendLimitUsd"),
        )
