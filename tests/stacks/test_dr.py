"""The dr layer: the passive copy in the DR region, asserted on the recorded plan for staging and prod.

dev has `dr.enabled: false`: the layer then creates nothing and exports only drRegion. Variants of the
sample (cache not rebuildable, no database replica) are planned from a copied platform model.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from platformctl.config.addressing import plan_subnets
from platformctl.config.loader import LoadedPlatform
from platformctl.core.planning import build_plan
from platformctl.engines.embedded.runner import EmbeddedEngine
from platformctl.paths import stacks_dir
from platformctl.plan.model import LayerPlan, PlanResource
from stacks.outputs import OUTPUTS, Layer
from tests.stacks.conftest import assert_platform_tags, fake_upstream, named, of_type, one_of_type, sample_platform

ENABLED_ENVS = ["staging", "prod"]
REPLICATED = ("assets", "uploads", "exports")
# Resources that live on the primary side on purpose (see stacks/dr/program.py): written through the
# default provider of the primary region. Everything else must be in the DR region.
PRIMARY_SIDE = {
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig",  # a property of the primary bucket
    "aws:route53/healthCheck:HealthCheck",  # Route53 is global, the zone is edge's
    "aws:route53/record:Record",
    "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",  # created from the primary group
}
PRIMARY_SIDE_PARENTS = {"dr-s3-replication"}  # the replication role and its policy (IAM is global)
_VARIANTS: dict[tuple[str, str], LayerPlan] = {}


def platform():
    return sample_platform().platform


def dr_region() -> str:
    return platform().regions.dr


def primary_region() -> str:
    return platform().regions.primary


def marker(layer: str, name: str) -> str:
    return f"(known after apply: {layer}.{name})"


def variant_plan(env: str, section: str, **changes: Any) -> LayerPlan:
    """The dr layer planned for a copy of the sample with environments.<env>.<section> changed."""
    key = (env, f"{section}:{sorted(changes.items())}")
    if key not in _VARIANTS:
        base = platform()
        environment = base.environments[env]
        changed = environment.model_copy(update={section: getattr(environment, section).model_copy(update=changes)})
        loaded = LoadedPlatform(base.model_copy(update={"environments": {**base.environments, env: changed}}), "variant", True)
        _VARIANTS[key] = build_plan(engine=EmbeddedEngine(), loaded=loaded, env=env, layers=["dr"], upstream=fake_upstream("dr", loaded)).layer("dr")
    return _VARIANTS[key]



def key_arn(role: str) -> str:
    return f"(known after apply: dr-keys-{role}.arn)"


def children_of(plan: LayerPlan, parent: PlanResource) -> list[PlanResource]:
    return [r for r in plan.resources if r.parent == parent.urn]


def descendants(plan: LayerPlan, parent_name: str) -> list[PlanResource]:
    roots = [r.urn for r in plan.resources if r.name == parent_name and not r.custom]
    found, pending = [], list(roots)
    while pending:
        urn = pending.pop()
        for r in plan.resources:
            if r.parent == urn:
                found.append(r)
                pending.append(r.urn)
    return found


# --- dev: DR off ---------------------------------------------------------------------------------


def test_disabled_environment_creates_nothing_and_exports_the_dr_region(layer_plan) -> None:
    plan = layer_plan("dr", "dev")
    assert not platform().environments["dev"].dr.enabled, "the sample's dev must have dr.enabled: false for this test"
    assert plan.resources == [], f"dr/dev: DR is disabled, yet the layer registers {[(r.type, r.name) for r in plan.resources]}"
    assert plan.outputs == {"drRegion": dr_region()}, f"dr/dev: a disabled DR layer exports drRegion only, got {plan.outputs}"


# --- regions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_one_explicit_provider_for_the_dr_region(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    provider = one_of_type(plan, "pulumi:providers:aws")
    assert provider.inputs.get("region") == dr_region(), f"{provider.name}: the layer's one explicit provider must target drRegion"


@pytest.mark.parametrize("variant", ["sample", "cache-secondary"])
@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_every_resource_is_in_the_dr_region_except_the_primary_side_ones(layer_plan, env: str, variant: str) -> None:
    plan = layer_plan("dr", env) if variant == "sample" else variant_plan(env, "cache", rebuildable=False)
    provider = one_of_type(plan, "pulumi:providers:aws")
    primary_side_urns = {r.urn for parent in PRIMARY_SIDE_PARENTS for r in descendants(plan, parent)}
    checked = 0
    for r in plan.resources:
        if not r.custom or r.type.startswith("pulumi:"):
            continue
        checked += 1
        if r.type in PRIMARY_SIDE or r.urn in primary_side_urns:
            assert r.region == primary_region() and r.provider is None, (
                f"{r.name} ({r.type}): a documented primary-side resource must use the default (primary) provider"
            )
        else:
            assert r.region == dr_region(), f"{r.name} ({r.type}): a DR resource must be in {dr_region()}, found {r.region}"
            assert r.provider == provider.urn, f"{r.name} ({r.type}): DR resources go through the explicit DR provider"
    assert checked > 50, f"dr/{env}: only {checked} resources checked"


# --- network and keys ----------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_network_has_the_primary_shape_on_the_dr_cidr(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    network = platform().environments[env].network
    vpc = one_of_type(plan, "aws:ec2/vpc:Vpc")
    assert vpc.inputs["cidrBlock"] == network.dr_cidr, f"{vpc.name}: the DR VPC must use dr_cidr {network.dr_cidr}"
    expected = plan_subnets(network.dr_cidr, network.azs)
    subnets = of_type(plan, "aws:ec2/subnet:Subnet")
    for tier, cidrs in (("public", expected.public), ("private", expected.private), ("isolated", expected.isolated)):
        got = sorted(s.inputs["cidrBlock"] for s in subnets if s.inputs["tags"].get("tier") == tier)
        assert got == sorted(cidrs), f"dr/{env}: {tier} subnets must be plan_subnets(dr_cidr) {cidrs}, got {got}"
    azs = {s.inputs["availabilityZone"] for s in subnets}
    assert azs == {f"{dr_region()}{c}" for c in "abc"[: network.azs]}, f"dr/{env}: subnets must spread over the DR region's AZs, got {azs}"
    assert len(of_type(plan, "aws:ec2/natGateway:NatGateway")) == network.nat_gateways, f"dr/{env}: NAT gateways as in the primary"
    assert of_type(plan, "aws:ec2/flowLog:FlowLog"), f"dr/{env}: the DR VPC needs flow logs like the primary"


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_kms_keys_for_database_and_buckets_rotate(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    keys = {r.name: r for r in of_type(plan, "aws:kms/key:Key")}
    for role in ("database", "buckets", "messaging"):
        assert f"dr-keys-{role}" in keys, f"dr/{env}: no DR {role} key (keys: {sorted(keys)})"
    for key in keys.values():
        assert key.inputs.get("enableKeyRotation") is True, f"{key.name}: KMS keys must rotate (enableKeyRotation)"


# --- database ------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_cross_region_postgres_replica(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    replica = one_of_type(plan, "aws:rds/instance:Instance")
    i = replica.inputs
    assert i["replicateSourceDb"] == marker("data", "dbInstanceArn"), f"{replica.name}: the replica's source must be data's dbInstanceArn"
    assert i["kmsKeyId"] == key_arn("database"), f"{replica.name}: encrypted with the DR database key (kmsKeyId)"
    assert i["storageEncrypted"] is True, f"{replica.name}: RDS must be encrypted at rest (storageEncrypted)"
    assert i["publiclyAccessible"] is False, f"{replica.name}: RDS must not be public"
    assert i["iamDatabaseAuthenticationEnabled"] is True, f"{replica.name}: IAM database authentication"
    assert i["performanceInsightsEnabled"] is True, f"{replica.name}: Performance Insights on"
    assert i["performanceInsightsKmsKeyId"] == key_arn("database"), f"{replica.name}: Performance Insights encrypted with the DR key"
    group = one_of_type(plan, "aws:rds/subnetGroup:SubnetGroup")
    assert i["dbSubnetGroupName"] == group.inputs["name"], f"{replica.name}: must sit in the DR DB subnet group"
    assert group.inputs["subnetIds"] == [f"(known after apply: acme-{env}-dr-vpc-isolated-{n}.id)" for n in range(3)], (
        f"{group.name}: the DR DB subnet group must be the DR VPC's isolated subnets"
    )
    assert i["vpcSecurityGroupIds"] == [f"(known after apply: acme-{env}-dr-sg-data.id)"], f"{replica.name}: DR data-tier security group"
    params = one_of_type(plan, "aws:rds/parameterGroup:ParameterGroup")
    assert {"name": "rds.force_ssl", "value": "1"} in params.inputs["parameters"], f"{params.name}: TLS forced on the replica"
    production = platform().is_production(env)
    assert replica.protect is production, f"{replica.name}: protect must be {production} in {env}"
    multi_az = platform().environments[env].database.multi_az
    assert i.get("multiAz") is multi_az, f"{replica.name}: Multi-AZ as the primary ({multi_az}), so a promoted replica is a complete primary"
    monitoring = named(plan, "aws:iam/role:Role", "dr-postgres-monitoring")
    assert i["monitoringInterval"] == 60 and i["monitoringRoleArn"] == "(known after apply: dr-postgres-monitoring.arn)", (
        f"{replica.name}: enhanced monitoring every 60 s, as on the primary"
    )
    assert "monitoring.rds.amazonaws.com" in monitoring.inputs["assumeRolePolicy"], f"{monitoring.name}: only RDS monitoring assumes it"
    attached = [a.inputs["policyArn"] for a in of_type(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")]
    assert "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole" in attached, f"{monitoring.name}: the monitoring policy"


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_automated_backups_are_replicated_with_the_dr_key(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    backups = one_of_type(plan, "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")
    assert backups.inputs["sourceDbInstanceArn"] == marker("data", "dbInstanceArn"), f"{backups.name}: source must be data's dbInstanceArn"
    assert backups.inputs["kmsKeyId"] == key_arn("database"), f"{backups.name}: re-encrypted with the DR database key"
    assert backups.inputs["retentionPeriod"] >= 7, f"{backups.name}: replicated backups must be kept at least 7 days"


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_without_database_replica_only_backups_are_replicated(env: str) -> None:
    plan = variant_plan(env, "dr", database_replica=False)
    assert not plan.by_type("aws:rds/instance:Instance"), f"dr/{env}: database_replica=false must create no replica"
    one_of_type(plan, "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")
    assert "drDbReplicaArn" not in plan.outputs, f"dr/{env}: no replica, so no drDbReplicaArn"


# --- cache ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_rebuildable_cache_is_cold_started_not_replicated(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    assert platform().environments[env].cache.rebuildable, f"the sample's {env} cache must be rebuildable for this test"
    cache = [r for r in plan.resources if r.type.startswith("aws:elasticache")]
    assert not cache, f"dr/{env}: a rebuildable cache is cold-started, yet ElastiCache resources exist: {[r.name for r in cache]}"
    runbook = plan.outputs.get("cacheColdStartRunbook", "")
    assert runbook and (stacks_dir().parent / runbook).is_file(), f"dr/{env}: the exported cold-start runbook {runbook!r} must exist"


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_unrebuildable_cache_gets_a_global_datastore_secondary(env: str) -> None:
    plan = variant_plan(env, "cache", rebuildable=False)
    datastore = one_of_type(plan, "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup")
    assert datastore.inputs["primaryReplicationGroupId"] == marker("data", "redisReplicationGroupId"), (
        f"{datastore.name}: the global datastore is created from data's replication group"
    )
    assert datastore.region == primary_region(), f"{datastore.name}: the global datastore belongs to the primary region"
    secondary = one_of_type(plan, "aws:elasticache/replicationGroup:ReplicationGroup")
    i = secondary.inputs
    assert secondary.region == dr_region(), f"{secondary.name}: the secondary must be in the DR region"
    assert i["globalReplicationGroupId"] == f"(known after apply: {datastore.name}.globalReplicationGroupId)", (
        f"{secondary.name}: must join the global datastore (globalReplicationGroupId)"
    )
    assert i["atRestEncryptionEnabled"] is True and i["kmsKeyId"] == key_arn("cache"), f"{secondary.name}: encrypted with the DR cache key"
    assert i["transitEncryptionEnabled"] is True, f"{secondary.name}: TLS in transit"
    assert i["securityGroupIds"] == [f"(known after apply: acme-{env}-dr-sg-data.id)"], f"{secondary.name}: DR data-tier security group"
    assert plan.outputs.get("cacheColdStartRunbook") == "", f"dr/{env}: no cold start when the cache is replicated"


# --- S3 ------------------------------------------------------------------------------------------


def dr_buckets(plan: LayerPlan) -> dict[str, PlanResource]:
    return {r.inputs["bucket"]: r for r in of_type(plan, "aws:s3/bucket:Bucket")}


def on_bucket(plan: LayerPlan, bucket: PlanResource, type_token: str) -> PlanResource:
    """The one resource of type_token that configures the planned bucket (its `bucket` input is the bucket's id)."""
    ref = f"(known after apply: {bucket.name}.id)"
    found = [r for r in of_type(plan, type_token) if r.inputs.get("bucket") == ref]
    assert len(found) == 1, f"{bucket.name}: needs exactly one {type_token}"
    return found[0]


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_dr_buckets_are_hardened(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    buckets = dr_buckets(plan)
    expected = {f"acme-{env}-dr-{role}" for role in (*REPLICATED, "search-snapshots", "access-logs")}
    assert set(buckets) == expected, f"dr/{env}: DR buckets must be {sorted(expected)}, got {sorted(buckets)}"
    log_bucket = buckets[f"acme-{env}-dr-access-logs"]
    for bucket in buckets.values():
        versioning = on_bucket(plan, bucket, "aws:s3/bucketVersioning:BucketVersioning")
        assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled", f"{bucket.name}: must be versioned"
        sse = on_bucket(plan, bucket, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        default = sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]
        lifecycle = {r["id"]: r for r in on_bucket(plan, bucket, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"]}
        assert lifecycle["expire-noncurrent-versions"]["noncurrentVersionExpiration"] == {"noncurrentDays": 30}, (
            f"{bucket.name}: deleted or overwritten objects leave the DR copy after 30 days (erasure reaches DR)"
        )
        assert lifecycle["abort-incomplete-multipart-uploads"]["status"] == "Enabled", f"{bucket.name}: incomplete uploads are cleaned up"
        if bucket.inputs["bucket"].endswith("-dr-assets"):
            policy = json.loads(on_bucket(plan, bucket, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
            reads = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
            assert [(s["Principal"], s["Action"]) for s in reads] == [({"Service": "cloudfront.amazonaws.com"}, "s3:GetObject")], (
                f"{bucket.name}: CloudFront may read the DR assets, its failover origin"
            )
            key = named(plan, "aws:kms/key:Key", "dr-keys-buckets")
            assert "cloudfront.amazonaws.com" in key.inputs["policy"] and "kms:Decrypt" in key.inputs["policy"], (
                f"{key.name}: CloudFront decrypts the DR assets"
            )
        if bucket is log_bucket:
            assert default == {"sseAlgorithm": "AES256"}, f"{bucket.name}: SSE-S3, the only encryption S3 access logging can write"
            assert lifecycle["expire-current-versions"]["expiration"] == {"days": 365 if env == "prod" else 90}, (
                f"{bucket.name}: logs kept as long as the other logs"
            )
            policy = json.loads(on_bucket(plan, bucket, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
            delivery = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
            assert [s["Principal"] for s in delivery] == [{"Service": "logging.s3.amazonaws.com"}], f"{bucket.name}: only S3 log delivery writes"
            assert delivery[0]["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:s3:::acme-{env}-*"}, f"{bucket.name}: from this environment's buckets"
            own = f"(known after apply: {bucket.name}.id)"
            assert not [r for r in of_type(plan, "aws:s3/bucketLogging:BucketLogging") if r.inputs["bucket"] == own], f"{bucket.name}: does not log into itself"
            assert bucket.protect is platform().is_production(env), f"{bucket.name}: protected in production only"
            continue
        logging = on_bucket(plan, bucket, "aws:s3/bucketLogging:BucketLogging")
        assert logging.inputs["targetBucket"] == log_bucket.inputs["bucket"], f"{bucket.name}: logs into the DR access-log bucket"
        assert default == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key_arn("buckets")}, f"{bucket.name}: SSE-KMS with the DR buckets key"
        block = on_bucket(plan, bucket, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
        for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
            assert block.inputs[flag] is True, f"{bucket.name}: public access block {flag}"
        policy = json.loads(on_bucket(plan, bucket, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
        denies = [s for s in policy["Statement"] if s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}]
        assert denies and denies[0]["Action"] == "s3:*", f"{bucket.name}: the bucket policy must deny requests without TLS"
        assert bucket.protect is platform().is_production(env), f"{bucket.name}: DR buckets are protected in production only"


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_primary_buckets_replicate_into_dr_buckets_with_rtc(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    role = named(plan, "aws:iam/role:Role", "dr-s3-replication-role")
    configs = {r.inputs["bucket"]: r for r in of_type(plan, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")}
    assert set(configs) == {marker("data", f"{b}BucketName") for b in REPLICATED}, (
        f"dr/{env}: one replication config on each primary bucket (data's names), got {sorted(configs)}"
    )
    for bucket in REPLICATED:
        config = configs[marker("data", f"{bucket}BucketName")]
        assert config.region == primary_region(), f"{config.name}: written on the primary bucket, through the primary provider"
        assert config.inputs["role"] == f"(known after apply: {role.name}.arn)", f"{config.name}: replicates as the replication role"
        (rule,) = config.inputs["rules"]
        destination = rule["destination"]
        assert rule["status"] == "Enabled", f"{config.name}: rule enabled"
        assert destination["bucket"] == f"(known after apply: dr-{bucket}-bucket.arn)", f"{config.name}: destination must be the DR {bucket} bucket's ARN"
        assert destination["replicationTime"] == {"status": "Enabled", "time": {"minutes": 15}}, f"{config.name}: Replication Time Control at 15 minutes"
        assert destination["metrics"] == {"status": "Enabled", "eventThreshold": {"minutes": 15}}, f"{config.name}: replication metrics at 15 minutes"
        assert destination["encryptionConfiguration"]["replicaKmsKeyId"] == key_arn("buckets"), f"{config.name}: replicas encrypted with the DR buckets key"
        assert rule["deleteMarkerReplication"] == {"status": "Enabled"}, f"{config.name}: delete markers must replicate"
        assert rule["sourceSelectionCriteria"]["sseKmsEncryptedObjects"]["status"] == "Enabled", f"{config.name}: SSE-KMS source objects replicate"


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_replication_role_is_least_privilege(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    role = named(plan, "aws:iam/role:Role", "dr-s3-replication-role")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "s3.amazonaws.com"}], f"{role.name}: only S3 may assume it"
    policy = json.loads(named(plan, "aws:iam/rolePolicy:RolePolicy", "dr-s3-replication-policy").inputs["policy"])
    sources = {marker("data", f"{b}BucketArn") for b in REPLICATED}
    destinations = {f"(known after apply: dr-{b}-bucket.arn)" for b in REPLICATED}
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        assert statement["Effect"] == "Allow" and "*" not in resources, f"{role.name}: {statement['Sid']} must name its resources"
        assert not any(a.endswith("*") for a in actions), f"{role.name}: {statement['Sid']} must list actions, no wildcards"
        if any(a.startswith("s3:Replicate") for a in actions):
            assert {r.removesuffix("/*") for r in resources} == destinations, f"{role.name}: writes only into the DR buckets"
        elif any(a.startswith("s3:") for a in actions):
            assert {r.removesuffix("/*") for r in resources} == sources, f"{role.name}: reads only the primary buckets"
        elif "kms:Decrypt" in actions:
            assert resources == [marker("data", "bucketsKeyArn")], f"{role.name}: decrypts with the primary buckets key only"
        else:
            assert resources == [key_arn("buckets")], f"{role.name}: encrypts with the DR buckets key only"


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_search_snapshot_bucket_and_role(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    assert plan.outputs["drSearchSnapshotBucket"] == f"acme-{env}-dr-search-snapshots", f"dr/{env}: snapshot bucket exported"
    role = named(plan, "aws:iam/role:Role", "dr-search-snapshots-role")
    assert role.region == dr_region(), f"{role.name}: in the DR region's provider"
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "es.amazonaws.com"}], f"{role.name}: OpenSearch must be able to assume it"
    policy = json.loads(named(plan, "aws:iam/rolePolicy:RolePolicy", "dr-search-snapshots-policy").inputs["policy"])
    bucket_arn = "(known after apply: dr-search-snapshots-repository-bucket.arn)"
    writes = [s for s in policy["Statement"] if "s3:PutObject" in s["Action"]]
    assert writes and writes[0]["Resource"] == f"{bucket_arn}/*", f"{role.name}: writes snapshots into the DR snapshot bucket only"


# --- queues --------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_queues_are_precreated_with_dlqs_and_kms(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    queues = {r.name: r for r in of_type(plan, "aws:sqs/queue:Queue")}
    for spec in platform().messaging.queues:
        queue, dlq = queues[f"dr-queues-{spec.name}"], queues[f"dr-queues-{spec.name}-dlq"]
        assert queue.inputs["name"] == marker("messaging", f"queueUrls.{spec.name}"), f"{queue.name}: named as messaging's queue (from its URL)"
        assert dlq.inputs["name"] == marker("messaging", f"deadLetterQueueArns.{spec.name}"), f"{dlq.name}: named as messaging's DLQ (from its ARN)"
        for q in (queue, dlq):
            assert q.inputs["kmsMasterKeyId"] == key_arn("messaging"), f"{q.name}: encrypted with the DR messaging key"
        redrive = json.loads(queue.inputs["redrivePolicy"])
        assert redrive == {"deadLetterTargetArn": f"(known after apply: {dlq.name}.arn)", "maxReceiveCount": spec.max_receive_count}, (
            f"{queue.name}: must redrive to its DLQ after {spec.max_receive_count} receives"
        )
        assert queue.inputs["visibilityTimeoutSeconds"] == spec.visibility_timeout_seconds, f"{queue.name}: visibility timeout from messaging config"
    assert set(plan.outputs["drQueueUrls"]) == {q.name for q in platform().messaging.queues}, f"dr/{env}: drQueueUrls keyed by queue"


# --- pilot-light cluster -------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_pilot_light_cluster_is_hardened_and_scaled_down(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    settings = platform().environments[env]
    cluster = one_of_type(plan, "aws:eks/cluster:Cluster")
    vpc = cluster.inputs["vpcConfig"]
    assert vpc["endpointPrivateAccess"] is True and vpc["endpointPublicAccess"] is False, f"{cluster.name}: private API endpoint only"
    assert vpc["subnetIds"] == [f"(known after apply: acme-{env}-dr-vpc-private-{n}.id)" for n in range(3)], f"{cluster.name}: in the DR private subnets"
    assert not vpc.get("publicAccessCidrs"), f"{cluster.name}: no public access CIDRs on the DR API"
    encryption = cluster.inputs["encryptionConfig"]
    secrets_key = named(plan, "aws:kms/key:Key", f"acme-{env}-dr-eks-secrets-key")
    assert secrets_key.region == dr_region() and secrets_key.inputs["enableKeyRotation"] is True, f"{secrets_key.name}: rotating DR key"
    assert encryption["resources"] == ["secrets"] and encryption["provider"]["keyArn"] == f"(known after apply: {secrets_key.name}.arn)", (
        f"{cluster.name}: secrets envelope-encrypted with a DR KMS key"
    )
    assert {"api", "audit", "authenticator"} <= set(cluster.inputs["enabledClusterLogTypes"]), f"{cluster.name}: control-plane logs"
    assert cluster.inputs["version"] == marker("cluster", "kubernetesVersion"), f"{cluster.name}: runs the version the primary cluster runs"
    group = one_of_type(plan, "aws:eks/nodeGroup:NodeGroup")
    scaling = group.inputs["scalingConfig"]
    pilot = settings.dr.pilot_light_min_nodes
    assert scaling["minSize"] == pilot and scaling["desiredSize"] == pilot, f"{group.name}: min = desired = pilot_light_min_nodes ({pilot})"
    assert scaling["maxSize"] == settings.cluster.node_groups[0].max, f"{group.name}: max from the primary's node group, for failover"
    template = one_of_type(plan, "aws:ec2/launchTemplate:LaunchTemplate")
    assert template.inputs["metadataOptions"]["httpTokens"] == "required", f"{template.name}: nodes need IMDSv2"
    assert group.inputs["launchTemplate"]["id"] == f"(known after apply: {template.name}.id)", f"{group.name}: uses the IMDSv2 template"


def cluster_group_rules(plan: LayerPlan, component: str) -> set[tuple]:
    """The rules of the ClusterSecurityGroups component `component`, its groups named by role, so that the
    DR cluster's rules compare equal to the cluster layer's."""
    roles = {f"(known after apply: {component}-{role}.id)": role for role in ("control-plane", "nodes")}
    return {
        (r.type, roles[r.inputs["securityGroupId"]], roles.get(r.inputs.get("referencedSecurityGroupId")), r.inputs.get("cidrIpv4"),
         r.inputs["ipProtocol"], r.inputs.get("fromPort"), r.inputs.get("toPort"))
        for r in plan.resources if r.type.startswith("aws:vpc/securityGroup") and r.name.startswith(f"{component}-")
    }


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_pilot_cluster_has_its_own_control_plane_and_node_groups_like_the_primary(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    eks = one_of_type(plan, "aws:eks/cluster:Cluster")
    component = f"{eks.inputs['name']}-sg"
    control_plane = named(plan, "aws:ec2/securityGroup:SecurityGroup", f"{component}-control-plane")
    nodes = named(plan, "aws:ec2/securityGroup:SecurityGroup", f"{component}-nodes")
    vpc = one_of_type(plan, "aws:ec2/vpc:Vpc")
    for group in (control_plane, nodes):
        assert group.inputs["vpcId"] == f"(known after apply: {vpc.name}.id)", f"{group.name}: must be in the DR VPC"
    assert eks.inputs["vpcConfig"]["securityGroupIds"] == [f"(known after apply: {control_plane.name}.id)"], (
        f"{eks.name}: the control plane's interfaces must carry {control_plane.name}, as in the cluster layer"
    )
    template = one_of_type(plan, "aws:ec2/launchTemplate:LaunchTemplate")
    assert template.inputs["vpcSecurityGroupIds"] == [f"(known after apply: {nodes.name}.id)"], f"{template.name}: nodes must carry {nodes.name}"
    assert nodes.inputs["tags"].get(f"kubernetes.io/cluster/{eks.inputs['name']}") == "owned", (
        f"{nodes.name}: must carry the DR cluster's tag, for the load balancer controller after a failover"
    )
    primary = cluster_group_rules(layer_plan("cluster", env), f"acme-{env}-sg")
    dr = cluster_group_rules(plan, component)
    assert primary and dr == primary, f"dr/{env}: the DR cluster's group rules must be the cluster layer's; differ by {dr ^ primary}"


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_pilot_cluster_is_protected_in_production_only(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    production = platform().is_production(env)
    eks = one_of_type(plan, "aws:eks/cluster:Cluster")
    name = eks.inputs["name"]
    assert eks.inputs.get("deletionProtection", False) is production, f"{eks.name}: EKS deletion protection must be {production} in {env}"
    kept = (eks, named(plan, "aws:kms/key:Key", f"{name}-secrets-key"), named(plan, "aws:cloudwatch/logGroup:LogGroup", f"{name}-logs"))
    for resource in kept:
        assert resource.protect is production, f"{resource.name}: protect must be {production} in {env}, as in the cluster layer"


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_dr_data_tier_admits_the_pilot_cluster_nodes(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    data = f"(known after apply: acme-{env}-dr-sg-data.id)"
    nodes = f"(known after apply: {one_of_type(plan, 'aws:eks/cluster:Cluster').inputs['name']}-sg-nodes.id)"
    admitted = {
        r.inputs["fromPort"]
        for r in of_type(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if r.inputs["securityGroupId"] == data and r.inputs.get("referencedSecurityGroupId") == nodes and r.inputs["fromPort"] == r.inputs["toPort"]
    }
    assert admitted == {5432, 6379, 443}, (
        f"dr/{env}: the DR data tier must admit the DR nodes on 5432, 6379 and 443 (pods use the node group), got {sorted(admitted)}"
    )


# --- failover DNS --------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_route53_failover_in_the_primary_zone(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    check = one_of_type(plan, "aws:route53/healthCheck:HealthCheck")
    c = check.inputs
    assert (c["type"], c["resourcePath"], c["port"], c["failureThreshold"]) == ("HTTPS", "/healthz", 443, 3), (
        f"{check.name}: must check https /healthz on 443 with failure threshold 3, got {c}"
    )
    assert c["fqdn"] == f"api-primary.{marker('edge', 'zoneName')}", f"{check.name}: must check the primary API"
    records = {r.inputs["failoverRoutingPolicies"][0]["type"]: r for r in of_type(plan, "aws:route53/record:Record")}
    assert set(records) == {"PRIMARY", "SECONDARY"}, f"dr/{env}: needs a PRIMARY and a SECONDARY failover record"
    for record in records.values():
        i = record.inputs
        assert i["zoneId"] == marker("edge", "zoneId"), f"{record.name}: must be in edge's zone"
        assert i["name"] == marker("edge", "apiHostname"), f"{record.name}: must answer for edge's apiHostname"
        assert i["ttl"] <= 60, f"{record.name}: failover TTL must be at most 60 s"
    assert records["PRIMARY"].inputs["healthCheckId"] == f"(known after apply: {check.name}.id)", "PRIMARY must follow the health check"
    assert records["PRIMARY"].inputs["records"] == [f"api-primary.{marker('edge', 'zoneName')}"], "PRIMARY points at the primary API"
    assert records["SECONDARY"].inputs["records"] == [f"api-dr.{marker('edge', 'zoneName')}"], "SECONDARY points at the DR API"


# --- outputs -------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_exports_every_declared_dr_output(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    expected = set(OUTPUTS[Layer.DR])
    assert set(plan.outputs) == expected, f"dr/{env}: outputs differ from the declared ones: {set(plan.outputs) ^ expected}"
    group = one_of_type(plan, "aws:eks/nodeGroup:NodeGroup")
    assert plan.outputs["drNodeGroupName"] == f"(known after apply: {group.name}.nodeGroupName)", (
        f"dr/{env}: drNodeGroupName must be {group.name}'s physical name (what a failover scales up)"
    )
    assert plan.outputs["drRegion"] == dr_region(), f"dr/{env}: drRegion"
    assert plan.outputs["drDbReplicaArn"] == "(known after apply: dr-postgres-replica.arn)", f"dr/{env}: drDbReplicaArn is the replica's"
    assert plan.outputs["failoverRecordName"] == marker("edge", "apiHostname"), f"dr/{env}: failoverRecordName"


# --- reuse, tags, naming -------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_network_and_cluster_reuse_the_primary_layers_components(layer_plan, env: str) -> None:
    plan = layer_plan("dr", env)
    types = {r.type for r in plan.resources}
    for token in ("platform:network:Vpc", "platform:network:TierSecurityGroups", "platform:network:FlowLogs",
                  "platform:network:VpcEndpoints", "platform:cluster:EksCluster", "platform:cluster:NodeGroups"):
        assert token in types, f"dr/{env}: the DR region must reuse {token}, not a copy of it"


# Types whose AWS API takes no tags.
NOT_TAGGABLE = {
    "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:kms/alias:Alias",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "aws:route53/record:Record",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning", "aws:sqs/queuePolicy:QueuePolicy",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketLogging:BucketLogging",
}


@pytest.mark.parametrize("env", ENABLED_ENVS)
def test_every_taggable_dr_resource_carries_the_platform_tags(layer_plan, env: str) -> None:
    from platformctl.config.stack_config import common_config

    assert_platform_tags(layer_plan("dr", env), common_config(platform(), env)["tags"], NOT_TAGGABLE, at_least=60)


def test_queue_names_are_read_from_urls_and_arns() -> None:
    from stacks.dr.queue_names import arn_name, url_name

    assert url_name("https://sqs.eu-west-1.amazonaws.com/123456789012/acme-prod-jobs") == "acme-prod-jobs"
    assert arn_name("arn:aws:sqs:eu-west-1:123456789012:acme-prod-jobs-dlq.fifo") == "acme-prod-jobs-dlq.fifo"
    assert url_name(marker("messaging", "queueUrls.jobs")) == marker("messaging", "queueUrls.jobs"), "an unknown stays unknown"
    assert arn_name(marker("messaging", "deadLetterQueueArns.jobs")) == marker("messaging", "deadLetterQueueArns.jobs")
