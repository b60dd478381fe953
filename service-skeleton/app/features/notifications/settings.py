"""Settings of the notifications feature: every `NOTIFY_` environment variable, in one model."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class NotifySettings(BaseSettings):
    """`backend=auto`: the readable outbox file on embedded defaults (ENVIRONMENT=local/test), AWS elsewhere."""

    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore", case_sensitive=False)

    backend: Literal["auto", "aws", "outbox"] = "auto"
    region: str | None = None
    email_from: str = Field(default="no-reply@example.com", pattern=r"^[^@\s]+@[^@\s]+$|^.+<[^@\s]+@[^@\s]+>$")
    ses_configuration_set: str | None = None
    sms_type: Literal["Transactional", "Promotional"] = "Transactional"
    sms_sender_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{1,11}$")
    outbox_path: Path = Path(".local/notifications/outbox.jsonl")

    def resolved_backend(self, *, is_local: bool) -> Literal["aws", "outbox"]:
        if self.backend != "auto":
            return self.backend
        return "outbox" if is_local else "aws"
