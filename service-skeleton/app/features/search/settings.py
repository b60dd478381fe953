"""Settings of the search feature: every `SEARCH_` environment variable, in one model."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class SearchSettings(BaseSettings):
    """Off unless `SEARCH_ENABLED=true`. `backend=auto`: OpenSearch when `SEARCH_URL` is set, else
    the database fallback (a case-insensitive LIKE over the items table)."""

    model_config = SettingsConfigDict(env_prefix="SEARCH_", extra="ignore", case_sensitive=False)

    enabled: bool = False
    backend: Literal["auto", "opensearch", "database"] = "auto"
    url: str | None = None  # https://vpc-….es.amazonaws.com
    index: str | None = None  # default "<service>-items"
    # Amazon OpenSearch Service with IAM (SigV4, the pod's IRSA role) or fine-grained basic auth.
    aws_sigv4: bool = False
    region: str | None = None
    username: str | None = None
    password: SecretStr | None = None
    verify_certs: bool = True
    timeout_seconds: float = Field(default=5.0, gt=0)
    max_result_window: int = Field(default=10_000, ge=1)  # OpenSearch's index.max_result_window

    def resolved_backend(self) -> Literal["opensearch", "database"]:
        if self.backend != "auto":
            return self.backend
        return "opensearch" if self.url else "database"

    def resolved_index(self, service_name: str) -> str:
        return self.index or f"{service_name}-items"
