"""The data layer: KMS keys, PostgreSQL, Redis, OpenSearch, S3 buckets and the warehouse role, for dev and prod."""

from __future__ import annotations

import json
from typing import Any

import pytest

from platformctl.config.loader import LoadedPlatform
from platformctl.config.stack_config import common_config
from platformctl.core.planning import build_plan
from platformctl.engines.embedded.runner import EmbeddedEngine
from platformctl.plan.model import SECRET_MARKER, LayerPlan, PlanResource, is_unknown
from stacks.components.backup_plan import BACKUP_TAG_KEY, BACKUP_TAG_VALUE
from tests.stacks.conftest import assert_platform_tags, fake_upstream, named, of_type, one_of_type, sample_platform

ENVS = ["dev", "prod"]
PURPOSES = ["database", "cache", "search", "buckets", "logs", "secrets"]
ISOLATED = [f"(known after apply: network.isolatedSubnetIds[{i}])" for i in range(3)]
VPC_ID = "(known after apply: network.vpcId)"
CLUSTER_SGS = {"(known after apply: cluster.nodeSecurityGroupId)"}
BUCKET_ROLES = ["assets", "uploads", "exports", "access-logs"]
SNOWFLAKE_USER = "arn:aws:iam::123456789012:user/abc1-s-v2st1234"
# Types whose AWS API takes no tags.
NOT_TAGGABLE = {
    "aws:kms/alias:Alias", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/rolePolicy:RolePolicy",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
}


def marker(name: str, attr: str) -> str:
    return f"(known after apply: {name}.{attr})"


def key_arn(purpose: str) -> str:
    return marker(f"keys-{purpose}", "arn")


def sizes(env: str) -> Any:
    return sample_platform().platform.environments[env]



def policy(resource: PlanResource, field: str) -> dict:
    value = resource.inputs.get(field)
    assert isinstance(value, str), f"{resource.name}: {field} must be a JSON policy document, got {value!r}"
    return json.loads(value)


def statements(document: dict) -> list[dict]:
    found = document["Statement"]
    return found if isinstance(found, list) else [found]


def plan_with(env: str, **updates: Any) -> LayerPlan:
    """The data layer of `env` planned with parts of the sample replaced (environment or platform fields)."""
    loaded = sample_platform()
    platform = loaded.platform
    env_updates = {k: v for k, v in updates.items() if k in ("search", "database", "cache")}
    if env_updates:
        environment = platform.environments[env].model_copy(update=env_updates)
        platform = platform.model_copy(update={"environments": {**platform.environments, env: environment}})
    if "warehouse" in updates:
        platform = platform.model_copy(update={"warehouse": updates["warehouse"]})
    changed = LoadedPlatform(platform, loaded.source, True)
    return build_plan(engine=EmbeddedEngine(), loaded=changed, env=env, layers=["data"], upstream=fake_upstream("data", changed)).layer("data")


def assert_cluster_only_ingress(plan: LayerPlan, sg_name: str, port: int) -> None:
    group = named(plan, "aws:ec2/securityGroup:SecurityGroup", sg_name)
    assert group.inputs["vpcId"] == VPC_ID, f"{group.name}: must be in the network layer's VPC"
    assert not group.inputs.get("ingress"), f"{group.name}: no inline ingress; rules are separate and SG-sourced"
    rules = [r for r in of_type(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if r.inputs["securityGroupId"] == marker(sg_name, "id")]
    assert sorted(r.inputs.get("referencedSecurityGroupId") for r in rules) == sorted(CLUSTER_SGS), (
        f"{group.name}: must admit exactly the cluster's node security group"
    )
    for rule in rules:
        assert not any(rule.inputs.get(k) for k in ("cidrIpv4", "cidrIpv6", "prefixListId")), f"{rule.name}: no CIDR ingress into the data tier"
        assert (rule.inputs["fromPort"], rule.inputs["toPort"], rule.inputs["ipProtocol"]) == (port, port, "tcp"), f"{rule.name}: only tcp/{port}"


# --- KMS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_one_rotated_key_and_alias_per_purpose(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    keys = {r.inputs["tags"]["purpose"]: r for r in of_type(plan, "aws:kms/key:Key")}
    assert sorted(keys) == sorted(PURPOSES), f"data: one KMS key per purpose {PURPOSES}, got {sorted(keys)}"
    aliases = {r.inputs["name"]: r for r in of_type(plan, "aws:kms/alias:Alias")}
    for purpose, key in keys.items():
        assert key.inputs["enableKeyRotation"] is True, f"{key.name}: KMS key rotation must be on"
        alias = aliases.get(f"alias/acme-{env}-{purpose}")
        assert alias is not None, f"{key.name}: needs alias alias/acme-{env}-{purpose}"
        assert alias.inputs["targetKeyId"] == marker(key.name, "keyId"), f"{alias.name}: must point at {key.name}"
    assert plan.outputs["databaseKeyArn"] == key_arn("database"), "data: databaseKeyArn output must be the database key"
    assert plan.outputs["bucketsKeyArn"] == key_arn("buckets"), "data: bucketsKeyArn output must be the buckets key"


@pytest.mark.parametrize("env", ENVS)
def test_key_policies_name_the_account_root_and_conditioned_services_never_star(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    for key in of_type(plan, "aws:kms/key:Key"):
        found = statements(policy(key, "policy"))
        root = [s for s in found if isinstance(s["Principal"], dict) and "AWS" in s["Principal"]]
        assert len(root) == 1, f"{key.name}: exactly one statement for the account"
        assert root[0]["Principal"]["AWS"] == "arn:aws:iam::(known after apply: account id):root", (
            f"{key.name}: the account principal must be arn:aws:iam::<account>:root from get_caller_identity"
        )
        for statement in found:
            principal = statement["Principal"]
            assert principal != "*" and "*" not in json.dumps(principal), f"{key.name}: key policy must not use a * principal ({statement.get('Sid')})"
            if "Service" in principal:
                assert statement.get("Condition"), f"{key.name}: service principal {principal['Service']} needs a condition"
        services = {s["Principal"].get("Service") for s in found}
        purpose = key.inputs["tags"]["purpose"]
        if purpose == "logs":
            assert "logs.eu-west-1.amazonaws.com" in services, f"{key.name}: CloudWatch Logs of the region must be allowed to use the logs key"
        if purpose == "buckets":
            assert "cloudfront.amazonaws.com" in services, f"{key.name}: CloudFront (OAC) must be allowed to decrypt assets"


# --- PostgreSQL --------------------------------------------------------------------------------


def primary(plan: LayerPlan) -> PlanResource:
    return named(plan, "aws:rds/instance:Instance", "postgres-primary")


@pytest.mark.parametrize("env", ENVS)
def test_postgres_engine_storage_and_network(layer_plan, env: str) -> None:
    plan, db = layer_plan("data", env), sizes(env).database
    instance = primary(plan)
    i = instance.inputs
    assert i["engine"] == "postgres" and i["engineVersion"] == db.engine_version, f"{instance.name}: engine postgres {db.engine_version} from config"
    assert i["multiAz"] is db.multi_az, f"{instance.name}: multiAz must follow config ({db.multi_az})"
    assert i["storageEncrypted"] is True, f"{instance.name}: RDS must be encrypted at rest (storageEncrypted)"
    assert i["kmsKeyId"] == key_arn("database"), f"{instance.name}: storage must use the database key"
    assert i["storageType"] == "gp3", f"{instance.name}: storage must be gp3"
    assert i["publiclyAccessible"] is False, f"{instance.name}: must not be publicly accessible"
    subnets = one_of_type(plan, "aws:rds/subnetGroup:SubnetGroup")
    assert subnets.inputs["subnetIds"] == ISOLATED, f"{subnets.name}: DB subnets must be the isolated subnets"
    assert i["dbSubnetGroupName"] == subnets.inputs["name"], f"{instance.name}: must use the isolated subnet group"
    assert i["vpcSecurityGroupIds"] == [marker("postgres-sg", "id")], f"{instance.name}: only the database security group"
    assert_cluster_only_ingress(plan, "postgres-sg", 5432)
    assert plan.outputs["dbPort"] == 5432 and plan.outputs["dbEndpoint"] == marker("postgres-primary", "address"), "data: db endpoint outputs"


@pytest.mark.parametrize("env", ENVS)
def test_postgres_forces_tls_and_logs(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    group = one_of_type(plan, "aws:rds/parameterGroup:ParameterGroup")
    params = {p["name"]: p["value"] for p in group.inputs["parameters"]}
    assert params.get("rds.force_ssl") == "1", f"{group.name}: rds.force_ssl must be 1 (TLS only)"
    assert params.get("log_connections") == "1" and "log_min_duration_statement" in params, f"{group.name}: connection and slow-statement logging"
    assert group.inputs["family"] == "postgres" + sizes(env).database.engine_version.split(".")[0], f"{group.name}: family must match the engine major"
    instance = primary(plan)
    assert instance.inputs["parameterGroupName"] == group.inputs["name"], f"{instance.name}: must use {group.name}"
    assert {"postgresql", "upgrade"} <= set(instance.inputs["enabledCloudwatchLogsExports"]), f"{instance.name}: export postgresql and upgrade logs"
    for log in ("postgresql", "upgrade"):
        log_group = named(plan, "aws:cloudwatch/logGroup:LogGroup", f"postgres-log-{log}")
        assert log_group.inputs["name"] == f"/aws/rds/instance/acme-{env}-postgres/{log}", f"{log_group.name}: must be the group RDS exports into"
        assert log_group.inputs["kmsKeyId"] == key_arn("logs"), f"{log_group.name}: must be encrypted with the logs key"


@pytest.mark.parametrize("env", ENVS)
def test_postgres_backups_pitr_and_deletion_safety(layer_plan, env: str) -> None:
    plan, db = layer_plan("data", env), sizes(env).database
    instance = primary(plan)
    i = instance.inputs
    assert i["backupRetentionPeriod"] == db.backup_retention_days, f"{instance.name}: backup retention from config ({db.backup_retention_days})"
    assert i["backupRetentionPeriod"] >= 1, f"{instance.name}: automated backups (PITR) must be on"
    assert i.get("backupWindow") and i["copyTagsToSnapshot"] is True, f"{instance.name}: backup window and copy tags to snapshot"
    if env == "prod":
        assert i["backupRetentionPeriod"] >= 30, f"{instance.name}: production keeps 30 days of backups"
        assert i["deletionProtection"] is True, f"{instance.name}: deletion protection in prod"
        assert i["skipFinalSnapshot"] is False and i["finalSnapshotIdentifier"] == "acme-prod-postgres-final", f"{instance.name}: final snapshot in prod"
        assert instance.protect, f"{instance.name}: protect=True on the production database"
    else:
        assert not instance.protect and i["skipFinalSnapshot"] is True, f"{instance.name}: dev is disposable (no protect, no final snapshot)"


@pytest.mark.parametrize("env", ENVS)
def test_postgres_insights_iam_auth_monitoring_and_managed_password(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    instance = primary(plan)
    i = instance.inputs
    assert i["performanceInsightsEnabled"] is True, f"{instance.name}: Performance Insights on"
    assert i["performanceInsightsKmsKeyId"] == key_arn("database"), f"{instance.name}: Performance Insights encrypted with the database key"
    assert i["iamDatabaseAuthenticationEnabled"] is True, f"{instance.name}: IAM database authentication on"
    assert i["manageMasterUserPassword"] is True, f"{instance.name}: the master password must be managed by Secrets Manager"
    assert i["masterUserSecretKmsKeyId"] == key_arn("database"), f"{instance.name}: the master secret must use the database key"
    assert "password" not in i and "passwordWo" not in i, f"{instance.name}: no password input may exist"
    assert plan.outputs["dbMasterSecretArn"] == marker("postgres-primary", "masterUserSecrets[0].secretArn"), (
        "data: dbMasterSecretArn must be the managed secret's ARN"
    )
    role = named(plan, "aws:iam/role:Role", "postgres-monitoring")
    assert i["monitoringInterval"] > 0 and i["monitoringRoleArn"] == marker(role.name, "arn"), f"{instance.name}: enhanced monitoring with its role"
    trust = statements(policy(role, "assumeRolePolicy"))
    assert [s["Principal"] for s in trust] == [{"Service": "monitoring.rds.amazonaws.com"}], f"{role.name}: only RDS monitoring may assume it"


@pytest.mark.parametrize("env", ENVS)
def test_postgres_read_replicas_per_environment(layer_plan, env: str) -> None:
    plan, db = layer_plan("data", env), sizes(env).database
    replicas = [r for r in of_type(plan, "aws:rds/instance:Instance") if r.name != "postgres-primary"]
    assert len(replicas) == db.read_replicas, f"data: {db.read_replicas} read replicas in {env}, got {len(replicas)}"
    if env == "prod":
        assert len(replicas) == 2 and primary(plan).inputs["multiAz"] is True, "data: prod is Multi-AZ with 2 read replicas"
    for replica in replicas:
        r = replica.inputs
        assert r["replicateSourceDb"] == f"acme-{env}-postgres", f"{replica.name}: must replicate the primary"
        assert r["storageEncrypted"] is True and r["kmsKeyId"] == key_arn("database"), f"{replica.name}: same encryption as the primary"
        assert r["publiclyAccessible"] is False and r["iamDatabaseAuthenticationEnabled"] is True, f"{replica.name}: private, IAM auth"
        assert r["performanceInsightsKmsKeyId"] == key_arn("database"), f"{replica.name}: Performance Insights with the database key"
        assert "password" not in r and not r.get("manageMasterUserPassword"), f"{replica.name}: a replica inherits credentials; none set"
    assert len(plan.outputs["dbReplicaEndpoints"]) == db.read_replicas, "data: one dbReplicaEndpoints entry per replica"


# --- Redis -------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_redis_topology_follows_config(layer_plan, env: str) -> None:
    plan, cache = layer_plan("data", env), sizes(env).cache
    group = one_of_type(plan, "aws:elasticache/replicationGroup:ReplicationGroup")
    g = group.inputs
    if cache.cluster_mode:
        assert g["clusterMode"] == "enabled", f"{group.name}: cluster mode must be enabled"
        assert (g["numNodeGroups"], g["replicasPerNodeGroup"]) == (cache.shards, cache.replicas_per_shard), f"{group.name}: shards x replicas from config"
    else:
        assert g["clusterMode"] == "disabled" and g["numCacheClusters"] == 1 + cache.replicas_per_shard, f"{group.name}: primary + replicas"
    if env == "prod":
        assert (g["clusterMode"], g["numNodeGroups"], g["replicasPerNodeGroup"]) == ("enabled", 3, 2), (
            f"{group.name}: prod is cluster mode, 3 shards x 2 replicas"
        )
    failover = cache.replicas_per_shard >= 1
    assert g["automaticFailoverEnabled"] is failover and g["multiAzEnabled"] is failover, f"{group.name}: failover and Multi-AZ when replicas >= 1"
    assert g["snapshotRetentionLimit"] == cache.snapshot_retention_days, f"{group.name}: snapshot retention from config"
    params = one_of_type(plan, "aws:elasticache/parameterGroup:ParameterGroup")
    values = {p["name"]: p["value"] for p in params.inputs["parameters"]}
    assert values == {"cluster-enabled": "yes" if cache.cluster_mode else "no"}, f"{params.name}: cluster-enabled must match cluster mode"
    assert g["parameterGroupName"] == params.inputs["name"], f"{group.name}: must use {params.name}"


@pytest.mark.parametrize("env", ENVS)
def test_redis_encryption_network_and_iam_only_users(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    group = one_of_type(plan, "aws:elasticache/replicationGroup:ReplicationGroup")
    g = group.inputs
    assert g["atRestEncryptionEnabled"] is True and g["kmsKeyId"] == key_arn("cache"), f"{group.name}: at-rest encryption with the cache key"
    assert g["transitEncryptionEnabled"] is True and g["transitEncryptionMode"] == "required", f"{group.name}: TLS required in transit"
    assert "authToken" not in g and "authTokenWo" not in g, f"{group.name}: no AUTH token: users authenticate with IAM"
    subnets = one_of_type(plan, "aws:elasticache/subnetGroup:SubnetGroup")
    assert subnets.inputs["subnetIds"] == ISOLATED and g["subnetGroupName"] == subnets.inputs["name"], f"{group.name}: isolated subnets"
    assert g["securityGroupIds"] == [marker("redis-sg", "id")], f"{group.name}: only the cache security group"
    assert_cluster_only_ingress(plan, "redis-sg", 6379)
    user_group = one_of_type(plan, "aws:elasticache/userGroup:UserGroup")
    assert g["userGroupIds"] == [user_group.inputs["userGroupId"]], f"{group.name}: RBAC user group attached"
    users = {u.inputs["userName"]: u for u in of_type(plan, "aws:elasticache/user:User")}
    assert user_group.inputs["userIds"] == [u.inputs["userId"] for u in (users["default"], users[f"acme-{env}-redis-app"])], (
        f"{user_group.name}: default + app users"
    )
    assert users["default"].inputs["accessString"].startswith("off"), "redis-default-user: the default user must be switched off"
    app = users[f"acme-{env}-redis-app"]
    assert app.inputs["authenticationMode"] == {"type": "iam"} and app.inputs["userId"] == app.inputs["userName"], f"{app.name}: IAM authentication"
    for user in users.values():
        assert not user.inputs.get("passwords") and not user.inputs["authenticationMode"].get("passwords"), f"{user.name}: no passwords"
    secret = one_of_type(plan, "aws:secretsmanager/secret:Secret")
    assert secret.inputs["kmsKeyId"] == key_arn("cache") and plan.outputs["redisAuthSecretArn"] == marker(secret.name, "arn"), (
        f"{secret.name}: connection secret"
    )
    slow_log = named(plan, "aws:cloudwatch/logGroup:LogGroup", "redis-slow-log")
    assert g["logDeliveryConfigurations"][0]["destination"] == slow_log.inputs["name"], f"{group.name}: slow log to CloudWatch"


# --- OpenSearch --------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_search_topology_and_placement(layer_plan, env: str) -> None:
    plan, search = layer_plan("data", env), sizes(env).search
    domain = one_of_type(plan, "aws:opensearch/domain:Domain")
    c = domain.inputs["clusterConfig"]
    assert c["instanceType"] == search.instance_type and c["instanceCount"] == search.instance_count, f"{domain.name}: nodes from config"
    subnets = domain.inputs["vpcOptions"]["subnetIds"]
    if env == "prod":
        assert c["instanceCount"] == 3 and c["dedicatedMasterEnabled"] is True and c["dedicatedMasterCount"] == 3, (
            f"{domain.name}: prod has 3 nodes and 3 dedicated masters"
        )
        assert c["zoneAwarenessEnabled"] is True and c["zoneAwarenessConfig"]["availabilityZoneCount"] == 3, f"{domain.name}: zone awareness over 3 AZs"
        assert subnets == ISOLATED, f"{domain.name}: one isolated subnet per AZ"
    else:
        assert c["instanceCount"] == 1 and not c.get("zoneAwarenessEnabled") and not c.get("dedicatedMasterEnabled"), f"{domain.name}: dev is one node"
        assert subnets == ISOLATED[:1], f"{domain.name}: a single node takes exactly one isolated subnet"
    assert domain.inputs["vpcOptions"]["securityGroupIds"] == [marker("search-sg", "id")], f"{domain.name}: only the search security group"
    assert_cluster_only_ingress(plan, "search-sg", 443)
    ebs = domain.inputs["ebsOptions"]
    assert ebs == {"ebsEnabled": True, "volumeType": "gp3", "volumeSize": search.volume_gb}, f"{domain.name}: gp3 EBS sized per env"


@pytest.mark.parametrize("env", ENVS)
def test_search_encryption_tls_and_fine_grained_access(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    domain = one_of_type(plan, "aws:opensearch/domain:Domain")
    d = domain.inputs
    assert d["encryptAtRest"] == {"enabled": True, "kmsKeyId": key_arn("search")}, f"{domain.name}: encrypted at rest with the search key"
    assert d["nodeToNodeEncryption"] == {"enabled": True}, f"{domain.name}: node-to-node encryption"
    endpoint = d["domainEndpointOptions"]
    assert endpoint["enforceHttps"] is True, f"{domain.name}: HTTPS only"
    assert endpoint["tlsSecurityPolicy"] in {"Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"}, f"{domain.name}: TLS 1.2 minimum"
    security = d["advancedSecurityOptions"]
    master = named(plan, "aws:iam/role:Role", "search-master")
    assert security["enabled"] is True and security["internalUserDatabaseEnabled"] is False, f"{domain.name}: FGAC on, internal user DB off"
    assert security["masterUserOptions"] == {"masterUserArn": marker(master.name, "arn")}, f"{domain.name}: the master user is the IAM master role"
    assert plan.outputs["searchMasterRoleArn"] == marker(master.name, "arn"), "data: searchMasterRoleArn output"
    for statement in statements(policy(domain, "accessPolicies")) + statements(policy(master, "assumeRolePolicy")):
        assert statement["Principal"] != "*" and "*" not in json.dumps(statement["Principal"]), f"{domain.name}: no * principal"
    trust = statements(policy(master, "assumeRolePolicy"))
    assert [s["Principal"] for s in trust] == [{"AWS": "arn:aws:iam::(known after apply: account id):role/platform-admin"}], (
        f"{master.name}: only the platform-admin role may become the OpenSearch master user, not the whole account"
    )


@pytest.mark.parametrize("env", ENVS)
def test_search_logs_go_to_encrypted_groups_that_opensearch_may_write(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    domain = one_of_type(plan, "aws:opensearch/domain:Domain")
    published = {o["logType"]: o["cloudwatchLogGroupArn"] for o in domain.inputs["logPublishingOptions"] if o.get("enabled", True)}
    assert set(published) == {"AUDIT_LOGS", "INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS"}, f"{domain.name}: audit, slow and error logs"
    groups = {marker(g.name, "arn"): g for g in of_type(plan, "aws:cloudwatch/logGroup:LogGroup")}
    for log_type, arn in published.items():
        assert arn in groups, f"{domain.name}: {log_type} must go to a log group of this plan"
        assert groups[arn].inputs["kmsKeyId"] == key_arn("logs"), f"{groups[arn].name}: encrypted with the logs key"
    resource_policy = one_of_type(plan, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy")
    (statement,) = statements(policy(resource_policy, "policyDocument"))
    assert statement["Principal"] == {"Service": "es.amazonaws.com"}, f"{resource_policy.name}: only OpenSearch may write"
    assert set(statement["Resource"]) == {f"{arn}:*" for arn in published.values()}, f"{resource_policy.name}: exactly the domain's log groups"
    assert statement.get("Condition"), f"{resource_policy.name}: scoped to this account and domain"
    assert resource_policy.urn in domain.dependencies, f"{domain.name}: must wait for the log resource policy"


@pytest.mark.parametrize("env", ENVS)
def test_chained_plan_wires_the_real_upstream_outputs(full_plan, env: str) -> None:
    plan = full_plan(env)
    data, network, cluster = plan.layer("data"), plan.layer("network"), plan.layer("cluster")
    subnets = one_of_type(data, "aws:rds/subnetGroup:SubnetGroup")
    assert subnets.inputs["subnetIds"] == network.outputs["isolatedSubnetIds"], f"{subnets.name}: must be the network layer's isolated subnets"
    for rule in of_type(data, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        assert rule.inputs["referencedSecurityGroupId"] == cluster.outputs["nodeSecurityGroupId"], f"{rule.name}: source must be the cluster's node SG"
    domain = one_of_type(data, "aws:opensearch/domain:Domain")
    zones = int(domain.inputs["clusterConfig"].get("zoneAwarenessConfig", {}).get("availabilityZoneCount", 1))
    expected = network.outputs["isolatedSubnetIds"][:zones]
    assert domain.inputs["vpcOptions"]["subnetIds"] == expected, f"{domain.name}: one isolated subnet per zone it uses"


def test_search_disabled_creates_nothing() -> None:
    plan = plan_with("prod", search=sizes("prod").search.model_copy(update={"enabled": False}))
    assert not plan.by_type("aws:opensearch/domain:Domain"), "data: search.enabled false must create no domain"
    assert not plan.by_type("platform:data:SearchDomain"), "data: search.enabled false must create no SearchDomain component"
    assert not [r for r in plan.resources if r.name.startswith("search-")], "data: no search-* resource when search is disabled"
    assert plan.outputs["searchDomainArn"] == "" and plan.outputs["searchDomainEndpoint"] == "", "data: search outputs are empty"


# --- S3 ----------------------------------------------------------------------------------------


def bucket_part(plan: LayerPlan, type_token: str, role: str) -> PlanResource:
    found = [r for r in of_type(plan, type_token) if r.inputs.get("bucket") == marker(f"buckets-{role}-bucket", "id")]
    assert len(found) == 1, f"data: bucket {role} needs exactly one {type_token}, found {[r.name for r in found]}"
    return found[0]


@pytest.mark.parametrize("env", ENVS)
def test_buckets_are_versioned_private_owner_enforced_and_tls_only(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    names = {r.inputs["bucket"] for r in of_type(plan, "aws:s3/bucket:Bucket")}
    assert names == {f"acme-{env}-{role}" for role in BUCKET_ROLES}, f"data: buckets for {BUCKET_ROLES}, got {sorted(names)}"
    for role in BUCKET_ROLES:
        versioning = bucket_part(plan, "aws:s3/bucketVersioning:BucketVersioning", role)
        assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled", f"{versioning.name}: versioning on"
        block = bucket_part(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", role)
        flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        assert all(block.inputs[f] is True for f in flags), f"{block.name}: all four public access blocks on"
        ownership = bucket_part(plan, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", role)
        assert ownership.inputs["rule"]["objectOwnership"] == "BucketOwnerEnforced", f"{ownership.name}: ACLs disabled"
        bucket_policy = bucket_part(plan, "aws:s3/bucketPolicy:BucketPolicy", role)
        denies = [s for s in statements(policy(bucket_policy, "policy")) if s["Effect"] == "Deny"]
        assert any(s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false" for s in denies), f"{bucket_policy.name}: deny non-TLS"
        for statement in statements(policy(bucket_policy, "policy")):
            if statement["Effect"] == "Allow":
                assert isinstance(statement["Principal"], dict) and statement.get("Condition"), (
                    f"{bucket_policy.name}: allows need a named, conditioned principal"
                )


@pytest.mark.parametrize("env", ENVS)
def test_buckets_encrypted_with_the_buckets_key_and_logged(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    for role in BUCKET_ROLES:
        sse = bucket_part(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", role)
        (rule,) = sse.inputs["rules"]
        default = rule["applyServerSideEncryptionByDefault"]
        if role == "access-logs":
            # S3 server access logging cannot deliver into an SSE-KMS bucket: the log target uses SSE-S3.
            assert default == {"sseAlgorithm": "AES256"}, f"{sse.name}: the access-log bucket must use SSE-S3"
            assert not plan.by_type("aws:s3/bucketLogging:BucketLogging") or all(
                r.inputs["bucket"] != marker("buckets-access-logs-bucket", "id") for r in plan.by_type("aws:s3/bucketLogging:BucketLogging")
            ), "access-logs: the log bucket must not log into itself"
        else:
            assert default == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key_arn("buckets")}, f"{sse.name}: SSE-KMS with the buckets key"
            assert rule["bucketKeyEnabled"] is True, f"{sse.name}: bucket key enabled"
            logging = bucket_part(plan, "aws:s3/bucketLogging:BucketLogging", role)
            assert logging.inputs["targetBucket"] == f"acme-{env}-access-logs", f"{logging.name}: access logs to the logs bucket"
    logs_policy = statements(policy(bucket_part(plan, "aws:s3/bucketPolicy:BucketPolicy", "access-logs"), "policy"))
    assert any(s["Principal"] == {"Service": "logging.s3.amazonaws.com"} for s in logs_policy), "access-logs: must admit S3 log delivery"
    assert any(s["Principal"] == {"Service": "delivery.logs.amazonaws.com"} and s["Action"] == "s3:PutObject" for s in logs_policy), (
        "access-logs: must admit vended (CloudFront v2) log delivery"
    )
    assets_policy = statements(policy(bucket_part(plan, "aws:s3/bucketPolicy:BucketPolicy", "assets"), "policy"))
    assert any(s["Principal"] == {"Service": "cloudfront.amazonaws.com"} and s["Action"] == "s3:GetObject" for s in assets_policy), (
        "assets: CloudFront OAC read"
    )
    assert plan.outputs["assetsBucketRegionalDomainName"] == marker("buckets-assets-bucket", "bucketRegionalDomainName"), "data: assets domain output"


@pytest.mark.parametrize("env", ENVS)
def test_bucket_lifecycle_rules(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    for role in BUCKET_ROLES:
        lifecycle = bucket_part(plan, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", role)
        rules = [r for r in lifecycle.inputs["rules"] if r["status"] == "Enabled"]
        assert any(r.get("noncurrentVersionExpiration", {}).get("noncurrentDays") for r in rules), f"{lifecycle.name}: expire noncurrent versions"
        assert any(r.get("abortIncompleteMultipartUpload", {}).get("daysAfterInitiation") for r in rules), f"{lifecycle.name}: abort incomplete uploads"
        assert any(r.get("transitions") for r in rules), f"{lifecycle.name}: transitions to cheaper storage"
        if role == "access-logs":
            assert any(r.get("expiration", {}).get("days") for r in rules), f"{lifecycle.name}: access logs expire"


# --- Warehouse ---------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_no_snowflake_role_without_an_integration(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    assert not plan.by_type("platform:data:WarehouseAccess"), "data: no warehouse principal configured, so no role"
    assert plan.outputs["snowflakeRoleArn"] == "", "data: snowflakeRoleArn is empty without an integration"


@pytest.mark.parametrize("env", ENVS)
def test_snowflake_role_reads_only_the_exports_bucket_and_key(env: str) -> None:
    integration = {"snowflake_aws_principal": SNOWFLAKE_USER, "snowflake_external_id": "ACME_SFCRole=2_abc="}
    warehouse = sample_platform().platform.warehouse.model_copy(update=integration)
    plan = plan_with(env, warehouse=warehouse)
    role = named(plan, "aws:iam/role:Role", "warehouse-role")
    (trust,) = statements(policy(role, "assumeRolePolicy"))
    assert trust["Principal"] == {"AWS": SNOWFLAKE_USER}, f"{role.name}: only the Snowflake integration's principal may assume it"
    assert trust["Condition"] == {"StringEquals": {"sts:ExternalId": "ACME_SFCRole=2_abc="}}, f"{role.name}: external ID required"
    inline = one_of_type(plan, "aws:iam/rolePolicy:RolePolicy")
    allowed = statements(policy(inline, "policy"))
    exports = marker("buckets-exports-bucket", "arn")
    for statement in allowed:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert all(a.split(":")[1].startswith(("Get", "List", "Decrypt")) for a in actions), f"{inline.name}: read-only actions, got {actions}"
        assert statement["Resource"] in (exports, f"{exports}/*", key_arn("buckets")), f"{inline.name}: only the exports bucket and its key"
    assert plan.outputs["snowflakeRoleArn"] == marker(role.name, "arn"), "data: snowflakeRoleArn output"


# --- Backup selection --------------------------------------------------------------------------

# What the backup layer's daily plan must take: the primary database and the buckets whose objects exist
# nowhere else. Not the replicas, the assets (rebuilt by the build) or the access logs.
BACKED_UP = {"postgres-primary", "buckets-uploads-bucket", "buckets-exports-bucket"}


def backup_tagged(plan: LayerPlan) -> set[str]:
    return {r.name for r in plan.resources if r.custom and (r.inputs.get("tags") or {}).get(BACKUP_TAG_KEY) == BACKUP_TAG_VALUE}


@pytest.mark.parametrize("env", ENVS)
def test_backup_tag_on_the_primary_database_and_the_uploads_and_exports_buckets_only(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    tagged = backup_tagged(plan)
    missing = BACKED_UP - tagged
    assert not missing, f"{sorted(missing)}: must carry {BACKUP_TAG_KEY}={BACKUP_TAG_VALUE}, or the backup layer's selection skips them"
    replicas = {r.name for r in of_type(plan, "aws:rds/instance:Instance") if r.name != "postgres-primary"}
    not_backed_up = replicas | {"buckets-assets-bucket", "buckets-access-logs-bucket"}
    assert not tagged & not_backed_up, f"{sorted(tagged & not_backed_up)}: replicas, assets and access logs must not carry {BACKUP_TAG_KEY}={BACKUP_TAG_VALUE}"
    assert tagged == BACKED_UP, f"{sorted(tagged - BACKED_UP)}: nothing but {sorted(BACKED_UP)} is backed up"


@pytest.mark.parametrize("env", ENVS)
def test_the_backup_layers_selection_picks_up_what_data_tagged(full_plan, env: str) -> None:
    plan = full_plan(env)
    selection = one_of_type(plan.layer("backup"), "aws:backup/selection:Selection")
    (condition,) = selection.inputs["selectionTags"]
    data = plan.layer("data")
    selected = {r.name for r in data.resources if r.custom and (r.inputs.get("tags") or {}).get(condition["key"]) == condition["value"]}
    assert condition["type"] == "STRINGEQUALS" and selected == BACKED_UP, (
        f"{selection.name}: selects {sorted(selected)} of the data layer, expected {sorted(BACKED_UP)}"
    )


# --- Canary and cross-cutting ------------------------------------------------------------------

SECRET_INPUTS = {"password", "passwords", "masterPassword", "masterUserPassword", "authToken", "passwordWo", "authTokenWo"}


def _secret_inputs(value: Any, path: str = "") -> list[str]:
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in SECRET_INPUTS and item not in (None, [], "") and not is_unknown(item):
                found.append(f"{path}.{key}={'[secret]' if item == SECRET_MARKER else 'literal'}")
            found.extend(_secret_inputs(item, f"{path}.{key}"))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_secret_inputs(item, f"{path}[{index}]"))
    return found


@pytest.mark.parametrize("env", ENVS)
def test_canary_no_password_or_token_input_anywhere_and_the_master_password_is_managed(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    for resource in plan.resources:
        found = _secret_inputs(resource.inputs)
        assert not found, f"{resource.name}: a password/token input has a value ({found}); credentials belong to Secrets Manager or IAM"
    assert primary(plan).inputs["manageMasterUserPassword"] is True, "postgres-primary: manageMasterUserPassword must be true"
    assert "password" not in json.dumps(plan.outputs).lower(), "data: no output may carry a password"


def test_canary_detector_catches_a_literal_password() -> None:
    assert _secret_inputs({"a": [{"password": "hunter22"}]}) == [".a[0].password=literal"], "the canary must flag a literal password"


@pytest.mark.parametrize("env", ENVS)
def test_every_taggable_resource_carries_the_platform_tags(layer_plan, env: str) -> None:
    tags = common_config(sample_platform().platform, env)["tags"]
    assert_platform_tags(layer_plan("data", env), tags, NOT_TAGGABLE, at_least=30)
