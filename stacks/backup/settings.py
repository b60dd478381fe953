"""The backup layer's Pulumi config as one typed object (the program reads config only here)."""

from __future__ import annotations

from dataclasses import dataclass

from stacks.layer_settings import ConfigSource, LayerSettings, read_common


@dataclass(frozen=True, kw_only=True)
class BackupSettings(LayerSettings):
    retention_days: int
    schedule: str
    copy_to_dr: bool
    vault_lock: bool
    admin_role_name: str

    @classmethod
    def from_config(cls, config: ConfigSource) -> BackupSettings:
        return cls(
            **read_common(config),
            retention_days=config.require_int("retentionDays"),
            schedule=config.require("schedule"),
            copy_to_dr=config.require_bool("copyToDr"),
            vault_lock=config.require_bool("vaultLock"),
            admin_role_name=config.require("adminRoleName"),
        )
