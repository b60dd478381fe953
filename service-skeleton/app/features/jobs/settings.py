"""Settings of the jobs feature: every `JOBS_` environment variable, in one model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class JobsSettings(BaseSettings):
    """Where jobs go and how the worker retries them.

    `backend=auto` means the SQLite-file queue when the service runs on embedded defaults
    (ENVIRONMENT=local/test) and SQS everywhere else.
    """

    model_config = SettingsConfigDict(env_prefix="JOBS_", extra="ignore", case_sensitive=False)

    backend: Literal["auto", "sqs", "local"] = "auto"

    # SQS: a URL wins over a name; the name defaults to "<service>-jobs".
    queue_url: str | None = None
    queue_name: str | None = None
    dlq_url: str | None = None
    dlq_name: str | None = None
    region: str | None = None

    # Local queue: one SQLite file shared by the API and worker processes.
    local_dir: Path = Path(".local/jobs")

    # Delivery
    max_receives: int = Field(default=5, ge=1, le=1000)  # SQS redrive maxReceiveCount
    visibility_timeout_seconds: int = Field(default=60, ge=1, le=43_200)
    wait_seconds: int = Field(default=10, ge=0, le=20)  # SQS long polling (20 s is the SQS maximum)
    local_poll_seconds: float = Field(default=0.2, gt=0)
    batch_size: int = Field(default=1, ge=1, le=10)  # SQS receives at most 10 a call
    backoff_base_seconds: float = Field(default=2.0, ge=0)
    backoff_max_seconds: float = Field(default=900.0, ge=0, le=43_200)
    idempotency_ttl_seconds: int = Field(default=7 * 86_400, ge=60)

    # Worker
    handler_modules: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["app.features.jobs.examples"])
    metrics_port: int | None = None  # Prometheus endpoint of the worker process

    @field_validator("handler_modules", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    def resolved_backend(self, *, is_local: bool) -> Literal["sqs", "local"]:
        if self.backend != "auto":
            return self.backend
        return "local" if is_local else "sqs"

    def resolved_queue_name(self, service_name: str) -> str:
        return self.queue_name or f"{service_name}-jobs"

    def resolved_dlq_name(self, service_name: str) -> str:
        return self.dlq_name or f"{self.resolved_queue_name(service_name)}-dlq"
