"""The backup layer: KMS-encrypted vaults in two regions, guarded recovery points, the daily plan and its selection."""

from __future__ import annotations

import json

import pytest

from platformctl.config.stack_config import common_config, layer_config
from platformctl.plan.model import PlanResource
from stacks.components.backup_plan import BACKUP_TAG_KEY, BACKUP_TAG_VALUE
from tests.stacks.conftest import assert_platform_tags, named, of_type, one_of_type, provider_region, sample_platform

ENVS = ["dev", "prod"]
PRIMARY, DR = "eu-west-1", "eu-central-1"
RETENTION = {"dev": 7, "prod": 30}
# Types whose AWS API takes no tags.
NOT_TAGGABLE = {
    "aws:backup/selection:Selection", "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "aws:backup/vaultPolicy:VaultPolicy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:kms/alias:Alias",
}


def marker(resource: PlanResource, attr: str) -> str:
    return f"(known after apply: {resource.name}.{attr})"



def principals(statement: dict) -> list[str]:
    principal = statement.get("Principal")
    if isinstance(principal, str):
        return [principal]
    values: list[str] = []
    for value in (principal or {}).values():
        values += value if isinstance(value, list) else [value]
    return values


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize(("role", "region"), [("primary", PRIMARY), ("dr", DR)])
def test_each_vault_has_its_own_rotating_key_in_its_region(layer_plan, env: str, role: str, region: str) -> None:
    plan = layer_plan("backup", env)
    vault = named(plan, "aws:backup/vault:Vault", f"{role}-vault")
    key = named(plan, "aws:kms/key:Key", f"{role}-key")
    assert vault.inputs["kmsKeyArn"] == marker(key, "arn"), f"{vault.name}: must be encrypted with its own key {key.name}"
    assert key.inputs["enableKeyRotation"] is True, f"{key.name}: KMS key rotation must be on"
    assert vault.region == region and key.region == region, f"{vault.name}/{key.name}: must be in {region}"
    policy = json.loads(key.inputs["policy"])
    for statement in policy["Statement"]:
        if statement["Effect"] == "Allow":
            assert "*" not in principals(statement), f"{key.name}: key policy must not allow a `*` principal ({statement.get('Sid')})"
    assert vault.inputs["name"] == f"acme-{env}-backup" + ("-dr" if role == "dr" else ""), f"{vault.name}: physical name"


@pytest.mark.parametrize("env", ENVS)
def test_dr_vault_goes_through_an_explicit_dr_region_provider(layer_plan, env: str) -> None:
    plan = layer_plan("backup", env)
    for resource in (named(plan, "aws:backup/vault:Vault", "dr-vault"), named(plan, "aws:kms/key:Key", "dr-key")):
        assert provider_region(plan, resource) == DR, f"{resource.name}: the DR copy must be made through an explicit {DR} provider"
    for resource in (named(plan, "aws:backup/vault:Vault", "primary-vault"), named(plan, "aws:kms/key:Key", "primary-key")):
        assert provider_region(plan, resource) is None, f"{resource.name}: the primary vault belongs in the primary region"


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("role", ["primary", "dr"])
def test_only_the_admin_role_may_delete_recovery_points(layer_plan, env: str, role: str) -> None:
    plan = layer_plan("backup", env)
    vault = named(plan, "aws:backup/vault:Vault", f"{role}-vault")
    policy = named(plan, "aws:backup/vaultPolicy:VaultPolicy", f"{role}-access-policy")
    assert policy.inputs["backupVaultName"] == vault.inputs["name"], f"{policy.name}: must guard {vault.name}"
    (statement,) = json.loads(policy.inputs["policy"])["Statement"]
    assert statement["Effect"] == "Deny", f"{policy.name}: must deny"
    assert "backup:DeleteRecoveryPoint" in statement["Action"], f"{policy.name}: must deny DeleteRecoveryPoint"
    exempt = statement["Condition"]["ArnNotLike"]["aws:PrincipalArn"]
    assert exempt.endswith(":role/platform-admin"), f"{policy.name}: only the admin role may delete recovery points, got {exempt}"


@pytest.mark.parametrize(("env", "locked"), [("dev", False), ("prod", True)])
def test_production_vaults_are_locked_and_protected(layer_plan, env: str, locked: bool) -> None:
    plan = layer_plan("backup", env)
    locks = plan.by_type("aws:backup/vaultLockConfiguration:VaultLockConfiguration")
    if locked:
        assert len(locks) == 2, f"backup: {env} must lock both vaults, found {[r.name for r in locks]}"
        for lock in locks:
            assert lock.inputs["minRetentionDays"] == RETENTION[env], f"{lock.name}: lock minimum must be the retention"
            assert "changeableForDays" not in lock.inputs, f"{lock.name}: governance mode (compliance mode can never be undone)"
    else:
        assert not locks, f"backup: {env} does not lock its vaults"
    for resource in [*of_type(plan, "aws:backup/vault:Vault"), *of_type(plan, "aws:kms/key:Key")]:
        assert resource.protect is (env == "prod"), f"{resource.name}: protect must be {env == 'prod'} in {env}"


@pytest.mark.parametrize("env", ENVS)
def test_daily_rule_keeps_the_retention_and_copies_to_dr(layer_plan, env: str) -> None:
    plan = layer_plan("backup", env)
    backup_plan = one_of_type(plan, "aws:backup/plan:Plan")
    vault = named(plan, "aws:backup/vault:Vault", "primary-vault")
    dr_vault = named(plan, "aws:backup/vault:Vault", "dr-vault")
    (rule,) = backup_plan.inputs["rules"]
    platform = sample_platform().platform
    assert rule["schedule"] == platform.environments[env].backup.schedule, f"{backup_plan.name}: schedule must come from platform.yaml"
    assert rule["targetVaultName"] == vault.inputs["name"], f"{backup_plan.name}: must back up into {vault.name}"
    assert rule["lifecycle"]["deleteAfter"] == RETENTION[env], f"{backup_plan.name}: {env} keeps {RETENTION[env]} days"
    (copy,) = rule["copyActions"]
    assert copy["destinationVaultArn"] == marker(dr_vault, "arn"), f"{backup_plan.name}: must copy to the DR vault"
    assert copy["lifecycle"]["deleteAfter"] == RETENTION[env], f"{backup_plan.name}: DR copies keep the same retention"


@pytest.mark.parametrize("env", ENVS)
def test_selection_covers_resources_tagged_for_backup(layer_plan, env: str) -> None:
    plan = layer_plan("backup", env)
    selection = one_of_type(plan, "aws:backup/selection:Selection")
    backup_plan = one_of_type(plan, "aws:backup/plan:Plan")
    role = one_of_type(plan, "aws:iam/role:Role")
    assert selection.inputs["planId"] == marker(backup_plan, "id"), f"{selection.name}: must belong to {backup_plan.name}"
    assert selection.inputs["iamRoleArn"] == marker(role, "arn"), f"{selection.name}: must run as {role.name}"
    assert selection.inputs["selectionTags"] == [{"type": "STRINGEQUALS", "key": BACKUP_TAG_KEY, "value": BACKUP_TAG_VALUE}], (
        f"{selection.name}: must select by the tag {BACKUP_TAG_KEY}={BACKUP_TAG_VALUE}"
    )
    assert selection.inputs["resources"] == ["*"], f"{selection.name}: every tagged database, bucket and file system"
    attachments = of_type(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert {a.urn for a in attachments} <= set(selection.dependencies), f"{selection.name}: must wait for the role's policies"
    assert plan.outputs["backupTag"] == f"{BACKUP_TAG_KEY}={BACKUP_TAG_VALUE}", "backup: backupTag output names the tag to put on resources"


@pytest.mark.parametrize("env", ENVS)
def test_service_role_is_assumed_by_aws_backup_with_backup_restore_and_s3_policies(layer_plan, env: str) -> None:
    plan = layer_plan("backup", env)
    role = one_of_type(plan, "aws:iam/role:Role")
    (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Service": "backup.amazonaws.com"}, f"{role.name}: only AWS Backup may assume it"
    attached = {a.inputs["policyArn"].rsplit("/", 1)[1] for a in of_type(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    expected = {
        "AWSBackupServiceRolePolicyForBackup",
        "AWSBackupServiceRolePolicyForRestores",
        "AWSBackupServiceRolePolicyForS3Backup",
        "AWSBackupServiceRolePolicyForS3Restore",
    }
    assert attached == expected, f"{role.name}: needs {sorted(expected)}, has {sorted(attached)}"


@pytest.mark.parametrize("env", ENVS)
def test_outputs_name_the_vaults_plan_and_key(layer_plan, env: str) -> None:
    plan = layer_plan("backup", env)
    outputs = plan.outputs
    assert outputs["vaultArn"] == marker(named(plan, "aws:backup/vault:Vault", "primary-vault"), "arn"), "backup: vaultArn"
    assert outputs["drVaultArn"] == marker(named(plan, "aws:backup/vault:Vault", "dr-vault"), "arn"), "backup: drVaultArn"
    assert outputs["planId"] == marker(one_of_type(plan, "aws:backup/plan:Plan"), "id"), "backup: planId"
    assert outputs["backupKeyArn"] == marker(named(plan, "aws:kms/key:Key", "primary-key"), "arn"), "backup: backupKeyArn"


@pytest.mark.parametrize("env", ENVS)
def test_taggable_backup_resources_carry_the_platform_tags(layer_plan, env: str) -> None:
    tags = common_config(sample_platform().platform, env)["tags"]
    assert_platform_tags(layer_plan("backup", env), tags, NOT_TAGGABLE, at_least=6)


def test_without_dr_copies_there_is_no_dr_vault() -> None:
    from platformctl.config.loader import LoadedPlatform
    from platformctl.core.planning import build_plan
    from platformctl.engines.embedded.runner import EmbeddedEngine
    from tests.stacks.conftest import fake_upstream

    loaded = sample_platform()
    dev = loaded.platform.environments["dev"]
    env = dev.model_copy(update={"backup": dev.backup.model_copy(update={"copy_to_dr": False})})
    platform = loaded.platform.model_copy(update={"environments": {**loaded.platform.environments, "dev": env}})
    local = LoadedPlatform(platform, loaded.source, True)
    plan = build_plan(engine=EmbeddedEngine(), loaded=local, env="dev", layers=["backup"], upstream=fake_upstream("backup", local)).layer("backup")
    assert [v.name for v in of_type(plan, "aws:backup/vault:Vault")] == ["primary-vault"], "backup: copy_to_dr false needs no DR vault"
    (rule,) = one_of_type(plan, "aws:backup/plan:Plan").inputs["rules"]
    assert not rule.get("copyActions"), "backup: copy_to_dr false must not copy"
    assert plan.outputs["drVaultArn"] == "", "backup: drVaultArn is empty without DR copies"


@pytest.mark.parametrize("env", ENVS)
def test_stack_config_comes_from_platform_yaml(env: str) -> None:
    config = layer_config(sample_platform().platform, env, "backup")
    assert config["retentionDays"] == RETENTION[env], f"backup config: {env} keeps {RETENTION[env]} days"
    assert config["copyToDr"] is True, "backup config: the sample copies to DR"
    assert config["vaultLock"] is (env == "prod"), "backup config: the sample locks prod's vaults only"
