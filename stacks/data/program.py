"""The data layer: KMS keys, RDS PostgreSQL, ElastiCache Redis, OpenSearch, S3 buckets, the warehouse role."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from stacks.components.backup_plan import BACKUP_TAG_KEY, BACKUP_TAG_VALUE
from stacks.components.buckets import DataBuckets, DataBucketsArgs
from stacks.components.data_tier import DataTier
from stacks.components.kms_keys import DataKeys, DataKeysArgs
from stacks.components.opensearch import SearchDomain, SearchDomainArgs
from stacks.components.postgres import PostgresDatabase, PostgresDatabaseArgs
from stacks.components.redis import RedisCache, RedisCacheArgs
from stacks.components.warehouse import WarehouseAccess, WarehouseAccessArgs
from stacks.data.settings import DataSettings
from stacks.outputs import Layer, export_outputs, reference

# The backup layer's daily plan takes what carries this tag and copies it to the DR region: the primary
# database and the buckets whose objects exist nowhere else. Not the assets bucket (the build publishes
# it again), not the access logs, not the read replicas (copies of the primary); Redis (a cache) and
# OpenSearch (rebuilt from the database, with its own automated snapshots) are not AWS Backup resources.
BACKUP_TAGS = {BACKUP_TAG_KEY: BACKUP_TAG_VALUE}
BACKED_UP_BUCKETS = ("uploads", "exports")


def program() -> None:
    settings = DataSettings.from_config(pulumi.Config())
    tags, prefix = {**settings.tags, "layer": "data"}, settings.prefix
    network, cluster = reference(Layer.NETWORK), reference(Layer.CLUSTER)
    identity = aws.get_caller_identity_output()
    # The layer runs in the primary region; the commercial partition only (no China or GovCloud).
    region_name, partition_name = settings.primary_region, "aws"

    keys = DataKeys(
        "keys",
        DataKeysArgs(name_prefix=prefix, account_id=identity.account_id, region=region_name, partition=partition_name, tags=tags),
    )
    tier = DataTier(
        vpc_id=network.get("vpcId"),
        subnet_ids=network.get("isolatedSubnetIds"),
        # Pods run with their node's security group, which the cluster layer exports (for EKS managed node
        # groups it is the cluster security group): the one source the data tier admits. One rule per port,
        # because a second rule from the same group would be a duplicate that AWS refuses.
        client_security_group_ids=[cluster.get("nodeSecurityGroupId")],
        logs_key_arn=keys.arns["logs"],
        log_retention_days=settings.log_retention_days,
        tags=tags,
    )
    db = settings.database
    database = PostgresDatabase(
        "postgres",
        PostgresDatabaseArgs(
            identifier=f"{prefix}-postgres",
            engine_version=db.engine_version,
            instance_class=db.instance_class,
            allocated_storage_gb=db.allocated_storage_gb,
            max_allocated_storage_gb=db.max_allocated_storage_gb,
            multi_az=db.multi_az,
            read_replicas=db.read_replicas,
            backup_retention_days=db.backup_retention_days,
            monitoring_interval_seconds=db.monitoring_interval_seconds,
            production=settings.production,
            kms_key_arn=keys.arns["database"],
            tier=tier,
            backup_tags=BACKUP_TAGS,
        ),
    )
    cache = settings.cache
    redis = RedisCache(
        "redis",
        RedisCacheArgs(
            group_id=f"{prefix}-redis",
            engine_version=cache.engine_version,
            node_type=cache.node_type,
            cluster_mode=cache.cluster_mode,
            shards=cache.shards,
            replicas_per_shard=cache.replicas_per_shard,
            snapshot_retention_days=cache.snapshot_retention_days,
            kms_key_arn=keys.arns["cache"],
            tier=tier,
        ),
    )
    # search.enabled false: no domain; the outputs stay declared, empty, so readers need no special case.
    search_outputs: dict[str, Any] = {"searchDomainArn": "", "searchDomainEndpoint": "", "searchMasterRoleArn": ""}
    search_security_group: Any = ""
    if settings.search.enabled:
        s = settings.search
        search = SearchDomain(
            "search",
            SearchDomainArgs(
                domain_name=f"{prefix}-search",
                engine_version=s.engine_version,
                instance_type=s.instance_type,
                instance_count=s.instance_count,
                dedicated_masters=s.dedicated_masters,
                master_instance_type=s.master_instance_type,
                volume_gb=s.volume_gb,
                az_count=settings.az_count,
                kms_key_arn=keys.arns["search"],
                account_id=identity.account_id,
                region=region_name,
                partition=partition_name,
                tier=tier,
                admin_role_name=settings.admin_role_name,
            ),
        )
        search_security_group = search.security_group_id
        search_outputs = {"searchDomainArn": search.arn, "searchDomainEndpoint": search.endpoint, "searchMasterRoleArn": search.master_role_arn}

    buckets = DataBuckets(
        "buckets",
        DataBucketsArgs(
            name_prefix=prefix,
            kms_key_arn=keys.arns["buckets"],
            account_id=identity.account_id,
            log_retention_days=settings.log_retention_days,
            tags=tags,
            backed_up_roles=BACKED_UP_BUCKETS,
            backup_tags=BACKUP_TAGS,
        ),
    ).buckets
    # No Snowflake storage integration configured (warehouse.snowflake_aws_principal/external_id unset):
    # no role is created, because a trust policy needs the integration's principal and external ID.
    snowflake_role_arn: Any = ""
    if settings.snowflake_principal and settings.snowflake_external_id:
        warehouse = WarehouseAccess(
            "warehouse",
            WarehouseAccessArgs(
                role_name=f"{prefix}-snowflake",
                snowflake_principal=settings.snowflake_principal,
                external_id=settings.snowflake_external_id,
                bucket_arn=buckets["exports"].arn,
                kms_key_arn=keys.arns["buckets"],
                tags=tags,
            ),
        )
        snowflake_role_arn = warehouse.role_arn

    export_outputs(
        Layer.DATA,
        {
            "databaseKeyArn": keys.arns["database"],
            "cacheKeyArn": keys.arns["cache"],
            "searchKeyArn": keys.arns["search"],
            "bucketsKeyArn": keys.arns["buckets"],
            "logsKeyArn": keys.arns["logs"],
            "dbInstanceArn": database.arn,
            "dbInstanceIdentifier": database.identifier,
            "dbEndpoint": database.endpoint,
            "dbPort": database.port,
            "dbMasterSecretArn": database.master_secret_arn,
            "dbResourceId": database.resource_id,
            "secretsKeyArn": keys.arns["secrets"],
            "dbSecurityGroupId": database.security_group_id,
            "dbReplicaEndpoints": database.replica_endpoints,
            "redisReplicationGroupId": redis.replication_group_id,
            "redisPrimaryEndpoint": redis.primary_endpoint,
            "redisConfigurationEndpoint": redis.configuration_endpoint,
            "redisAuthSecretArn": redis.connection_secret_arn,
            "redisUserId": redis.app_user_id,
            "redisSecurityGroupId": redis.security_group_id,
            "searchSecurityGroupId": search_security_group,
            **search_outputs,
            "assetsBucketName": buckets["assets"].bucket_name,
            "assetsBucketArn": buckets["assets"].arn,
            "assetsBucketRegionalDomainName": buckets["assets"].regional_domain_name,
            "uploadsBucketName": buckets["uploads"].bucket_name,
            "uploadsBucketArn": buckets["uploads"].arn,
            "exportsBucketName": buckets["exports"].bucket_name,
            "exportsBucketArn": buckets["exports"].arn,
            "accessLogsBucketName": buckets["access-logs"].bucket_name,
            "snowflakeRoleArn": snowflake_role_arn,
        },
    )
