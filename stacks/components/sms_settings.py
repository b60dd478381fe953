"""Account-level SNS SMS preferences for the region: sender id, message type and a monthly spend cap."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class SmsSettingsArgs:
    sender_id: str
    monthly_spend_limit_usd: int
    # One-time codes and alerts: Transactional gets the reliable routes (and ignores opt-out quiet hours).
    sms_type: str = "Transactional"


class SmsSettings(pulumi.ComponentResource):
    """SMS preferences are one per account and region: only one stack may own them (this one)."""

    sender_id: pulumi.Output[str | None]
    monthly_spend_limit_usd: pulumi.Output[int | None]

    def __init__(self, name: str, args: SmsSettingsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:messaging:SmsSettings", name, None, opts)
        preferences = aws.sns.SmsPreferences(
            f"{name}-preferences",
            default_sender_id=args.sender_id,
            default_sms_type=args.sms_type,
            monthly_spend_limit=args.monthly_spend_limit_usd,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.sender_id = preferences.default_sender_id
        self.monthly_spend_limit_usd = preferences.monthly_spend_limit
        self.register_outputs({"senderId": self.sender_id, "monthlySpendLimitUsd": self.monthly_spend_limit_usd})
