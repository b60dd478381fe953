"""Pulumi config of the backup layer: the daily plan's schedule and retention, DR copies, vault lock."""

from __future__ import annotations

from typing import Any

from platformctl.config.platform_file import Platform


def build(platform: Platform, env: str) -> dict[str, Any]:
    environment = platform.environments[env]
    backup = environment.backup
    return {
        "retentionDays": backup.retention_days,
        "schedule": backup.schedule,
        "copyToDr": backup.copy_to_dr,
        "vaultLock": platform.is_production(env) if backup.vault_lock is None else backup.vault_lock,
        # The one role allowed to delete recovery points early: the platform's admin role.
        "adminRoleName": environment.cluster.admin_role_name,
    }
