"""The backup layer: KMS-encrypted vaults in the primary and DR regions and the daily plan over tagged resources."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from stacks.backup.settings import BackupSettings
from stacks.components.backup_plan import BACKUP_TAG_KEY, BACKUP_TAG_VALUE, BackupPlan, BackupPlanArgs
from stacks.components.backup_vault import BackupVault, BackupVaultArgs
from stacks.outputs import Layer, export_outputs


def program() -> None:
    settings = BackupSettings.from_config(pulumi.Config())
    tags = {**settings.tags, "layer": "backup"}
    account_id = aws.get_caller_identity_output().account_id
    partition = aws.get_partition_output().partition

    def vault_args(name: str) -> BackupVaultArgs:
        return BackupVaultArgs(
            vault_name=name,
            account_id=account_id,
            partition=partition,
            admin_role_name=settings.admin_role_name,
            lock_min_retention_days=settings.retention_days if settings.vault_lock else None,
            protect=settings.production,
            tags=tags,
        )

    vault = BackupVault("primary", vault_args(f"{settings.prefix}-backup"))

    dr_vault = None
    if settings.copy_to_dr:
        # Explicit provider: the copy must live in the DR region, with a key of that region (KMS keys are
        # regional), so that a loss of the primary region loses no recovery point.
        dr_provider = aws.Provider("dr", region=settings.dr_region)
        dr_vault = BackupVault(
            "dr", vault_args(f"{settings.prefix}-backup-dr"), opts=pulumi.ResourceOptions(providers={"aws": dr_provider})
        )

    plan = BackupPlan(
        "daily",
        BackupPlanArgs(
            resource_prefix=settings.prefix,
            vault_name=vault.vault_name,
            schedule=settings.schedule,
            retention_days=settings.retention_days,
            partition=partition,
            dr_vault_arn=dr_vault.vault_arn if dr_vault else None,
            tags=tags,
        ),
    )

    export_outputs(
        Layer.BACKUP,
        {
            "vaultArn": vault.vault_arn,
            "vaultName": vault.vault_name,
            "drVaultArn": dr_vault.vault_arn if dr_vault else "",
            "planId": plan.plan_id,
            "backupKeyArn": vault.key_arn,
            "drBackupKeyArn": dr_vault.key_arn if dr_vault else "",
            "backupRoleArn": plan.role_arn,
            "backupTag": f"{BACKUP_TAG_KEY}={BACKUP_TAG_VALUE}",
        },
    )
