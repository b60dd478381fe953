"""Settings from the environment (PLATFORMCTL_*), through pydantic-settings."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from platformctl.config.env_vars import PREFIX


class Settings(BaseSettings):
    """What the environment may set; flags on the command line win over these."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore")

    platform_file: Path | None = None
    state_url: str | None = None
    secrets_provider: str | None = None
    work_dir: Path | None = None
    traceback: bool = False


@cache
def get_settings() -> Settings:
    """The process-wide settings (tests build Settings directly)."""
    return Settings()
