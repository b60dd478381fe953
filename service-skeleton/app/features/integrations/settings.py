"""Settings of the integrations feature: every `INTEGRATIONS_` environment variable, in one model."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class IntegrationsSettings(BaseSettings):
    """Outbound client limits and inbound webhook secrets.

    `INTEGRATIONS_WEBHOOK_SECRETS` is JSON: `{"github": "s3cret", "stripe": "new,old"}`; a comma
    separates secrets accepted together during a rotation.
    """

    model_config = SettingsConfigDict(env_prefix="INTEGRATIONS_", extra="ignore", case_sensitive=False)

    # Outbound HTTP
    connect_timeout_seconds: float = Field(default=2.0, gt=0)
    read_timeout_seconds: float = Field(default=10.0, gt=0)
    write_timeout_seconds: float = Field(default=10.0, gt=0)
    pool_timeout_seconds: float = Field(default=2.0, gt=0)
    max_connections: int = Field(default=100, ge=1)
    max_attempts: int = Field(default=3, ge=1, le=10)
    backoff_base_seconds: float = Field(default=0.2, ge=0)
    backoff_max_seconds: float = Field(default=5.0, ge=0)
    retry_after_max_seconds: float = Field(default=30.0, ge=0)
    breaker_failure_threshold: int = Field(default=5, ge=1)
    breaker_recovery_seconds: float = Field(default=30.0, gt=0)

    # Inbound webhooks
    webhook_secrets: dict[str, SecretStr] = Field(default_factory=dict)
    webhook_tolerance_seconds: int = Field(default=300, ge=1, le=3600)

    def secrets_for(self, source: str) -> list[bytes]:
        secret = self.webhook_secrets.get(source)
        if secret is None:
            return []
        return [part.strip().encode() for part in secret.get_secret_value().split(",") if part.strip()]
