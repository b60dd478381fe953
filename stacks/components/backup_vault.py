"""An AWS Backup vault with its own KMS key, an access policy that guards recovery points, and an optional lock."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

# What nobody but the admin role may do to a recovery point before its lifecycle ends it.
GUARDED_ACTIONS = ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"]


@dataclass
class BackupVaultArgs:
    vault_name: str  # physical name, e.g. acme-prod-backup
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    admin_role_name: str  # the only principal allowed to delete recovery points early
    lock_min_retention_days: int | None = None  # set: governance-mode vault lock
    protect: bool = False
    tags: dict[str, str] = field(default_factory=dict)


def key_policy(partition: str, account_id: str) -> str:
    """The account administers the key; IAM policies (AWS Backup's service role) grant its use. No `*` principal."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministersTheKey",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )


def access_policy(vault_arn: str, partition: str, account_id: str, admin_role_name: str) -> str:
    """Deny early deletion to every principal but the admin role (a Deny on `*` grants nothing)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "OnlyTheAdminRoleDeletesRecoveryPoints",
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Action": GUARDED_ACTIONS,
                    "Resource": vault_arn,
                    "Condition": {"ArnNotLike": {"aws:PrincipalArn": f"arn:{partition}:iam::{account_id}:role/{admin_role_name}"}},
                }
            ],
        }
    )


class BackupVault(pulumi.ComponentResource):
    """The vault's region is the provider's: pass an explicit `aws.Provider` in opts for the DR region."""

    vault_arn: pulumi.Output[str]
    vault_name: pulumi.Output[str]
    key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: BackupVaultArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:backup:BackupVault", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.protect)
        key = aws.kms.Key(
            f"{name}-key",
            description=f"Encrypts the recovery points in {args.vault_name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.all(args.partition, args.account_id).apply(lambda v: key_policy(v[0], v[1])),
            tags=args.tags,
            opts=stateful,
        )
        aws.kms.Alias(f"{name}-key-alias", name=f"alias/{args.vault_name}", target_key_id=key.key_id, opts=child)
        vault = aws.backup.Vault(
            f"{name}-vault",
            name=args.vault_name,
            kms_key_arn=key.arn,
            force_destroy=False,
            tags=args.tags,
            opts=stateful,
        )
        aws.backup.VaultPolicy(
            f"{name}-access-policy",
            backup_vault_name=vault.name,
            policy=pulumi.Output.all(vault.arn, args.partition, args.account_id).apply(
                lambda v: access_policy(v[0], v[1], v[2], args.admin_role_name)
            ),
            opts=child,
        )
        if args.lock_min_retention_days:
            # Governance mode (no changeable_for_days): an admin can still lift it; compliance mode never can.
            aws.backup.VaultLockConfiguration(
                f"{name}-lock",
                backup_vault_name=vault.name,
                min_retention_days=args.lock_min_retention_days,
                opts=stateful,
            )
        self.vault_arn = vault.arn
        self.vault_name = vault.name
        self.key_arn = key.arn
        self.register_outputs({"vault_arn": self.vault_arn, "vault_name": self.vault_name, "key_arn": self.key_arn})
