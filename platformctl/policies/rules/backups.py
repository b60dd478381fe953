"""Backups: daily, kept 30 days in production, versioned objects, snapshots that survive deletion."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platformctl.policies.inputs import get, is_true, number
from platformctl.policies.model import Control, Rule, Severity

_BACKUPS = Control.BACKUPS
RETENTION_DAYS = 30


def _rds_retention(_: str, inputs: Mapping[str, Any]) -> str | None:
    if inputs.get("replicateSourceDb") and "backupRetentionPeriod" not in inputs:
        return None  # an in-region read replica is not backed up; its primary is
    days = number(inputs.get("backupRetentionPeriod"))
    return None if days >= RETENTION_DAYS else f"automated backups are kept {days:g} days, under {RETENTION_DAYS}"


def _plan_retention(_: str, inputs: Mapping[str, Any]) -> str | None:
    for rule in inputs.get("rules") or []:
        days = number(get(rule, "lifecycle.deleteAfter"))
        if days < RETENTION_DAYS:
            return f"backup rule {rule.get('ruleName')!r} keeps recovery points {days:g} days, under {RETENTION_DAYS}"
    return None


def _rds_protected(_: str, inputs: Mapping[str, Any]) -> str | None:
    if not is_true(inputs.get("deletionProtection")):
        return "deletion protection is off"
    if not inputs.get("replicateSourceDb") and is_true(inputs.get("skipFinalSnapshot")):
        return "a delete would take no final snapshot"
    return None


def _versioning(_: str, inputs: Mapping[str, Any]) -> str | None:
    status = get(inputs, "versioningConfiguration.status")
    return None if status == "Enabled" else f"versioning is {status or 'off'}"


def _cache_snapshots(_: str, inputs: Mapping[str, Any]) -> str | None:
    return None if number(inputs.get("snapshotRetentionLimit")) >= 1 else "no daily snapshots are kept"


def _vault_lock(_: str, inputs: Mapping[str, Any]) -> str | None:
    days = number(inputs.get("minRetentionDays"))
    return None if days >= RETENTION_DAYS else f"the vault lock lets recovery points go after {days:g} days"


RULES = (
    Rule("BAK-001", "Production databases keep automated backups 30 days", _BACKUPS, Severity.MANDATORY, ("aws:rds/instance:Instance",),
         "Set backupRetentionPeriod to 30 or more (database.backup_retention_days in platform.yaml).", check=_rds_retention,
         production_only=True, checkov=("CKV_AWS_133",), awsguard="rds-instance-backup-enabled"),
    Rule("BAK-002", "Production backup plans keep recovery points 30 days", _BACKUPS, Severity.MANDATORY, ("aws:backup/plan:Plan",),
         "Set every rule's lifecycle.deleteAfter to 30 or more (backup.retention_days in platform.yaml).", check=_plan_retention,
         production_only=True),
    Rule("BAK-003", "Production databases are protected from deletion and leave a final snapshot", _BACKUPS, Severity.MANDATORY,
         ("aws:rds/instance:Instance",), "Set deletionProtection=True and skipFinalSnapshot=False with a finalSnapshotIdentifier.",
         check=_rds_protected, production_only=True, checkov=("CKV_AWS_293",)),
    Rule("BAK-004", "S3 buckets are versioned", _BACKUPS, Severity.MANDATORY, ("aws:s3/bucketVersioning:BucketVersioning",),
         "Set versioningConfiguration.status='Enabled'.", check=_versioning, checkov=("CKV_AWS_21",)),
    Rule("BAK-005", "Redis keeps daily snapshots", _BACKUPS, Severity.ADVISORY, ("aws:elasticache/replicationGroup:ReplicationGroup",),
         "Set snapshotRetentionLimit to 1 or more (cache.snapshot_retention_days).", check=_cache_snapshots, production_only=True,
         checkov=("CKV_AWS_134",)),
    Rule("BAK-006", "Production backup vault locks hold recovery points 30 days", _BACKUPS, Severity.MANDATORY,
         ("aws:backup/vaultLockConfiguration:VaultLockConfiguration",), "Set minRetentionDays to 30 or more.", check=_vault_lock,
         production_only=True),
)
