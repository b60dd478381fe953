"""The dr layer: the passive copy of one environment in the DR region (active-passive, RTO 4 h, RPO 1 h).

Region rule: every resource here goes through ONE explicit `aws.Provider` for the DR region, passed in
opts, except the primary-side ones, which use the default (primary) provider on purpose:
- the S3 replication configurations (a property of each primary bucket) and their IAM role (global),
- the Route53 health check and failover records (Route53 is global; the zone is edge's),
- the ElastiCache global datastore, when the cache is not rebuildable (created from the primary group).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from stacks.components.dr_bucket import DrBucket, DrBucketArgs
from stacks.components.dr_bucket_replication import DrBucketReplication, DrBucketReplicationArgs, ReplicatedBucket
from stacks.components.dr_cache_secondary import DrCacheSecondary, DrCacheSecondaryArgs
from stacks.components.dr_database_replica import DrDatabaseReplica, DrDatabaseReplicaArgs
from stacks.components.dr_failover_dns import DrFailoverDns, DrFailoverDnsArgs
from stacks.components.dr_keys import DrKeys, DrKeysArgs
from stacks.components.dr_network import DrNetwork, DrNetworkArgs
from stacks.components.dr_pilot_cluster import DrPilotCluster, DrPilotClusterArgs
from stacks.components.dr_queues import DrQueues, DrQueuesArgs
from stacks.components.dr_search_snapshots import DrSearchSnapshots, DrSearchSnapshotsArgs
from stacks.dr.queue_names import dr_queue_specs
from stacks.dr.settings import DrSettings
from stacks.outputs import Layer, export_outputs, reference

REPLICATED_BUCKETS = ("assets", "uploads", "exports")


def program() -> None:
    settings = DrSettings.from_config(pulumi.Config())
    if not settings.enabled:
        # DR is off for this environment: nothing is created, not even the provider or a reference.
        export_outputs(Layer.DR, {"drRegion": settings.dr_region})
        return
    # The layer's default provider is the primary region's (data, DNS and replication rules live there);
    # the DR copy must survive that region's loss, so everything of the copy goes through this provider.
    dr = aws.Provider("dr", region=settings.dr_region, default_tags={"tags": settings.tags})
    in_dr = pulumi.ResourceOptions(provider=dr)
    data, messaging, edge = reference(Layer.DATA), reference(Layer.MESSAGING), reference(Layer.EDGE)
    prefix, tags = settings.name_prefix, settings.tags

    key_roles = ["database", "buckets", "messaging"] + ([] if settings.cache_rebuildable else ["cache"])
    keys = DrKeys(
        "dr-keys",
        DrKeysArgs(name_prefix=prefix, roles=key_roles, tags=tags, cloudfront_account_id=aws.get_caller_identity_output().account_id),
        opts=pulumi.ResourceOptions(provider=dr, protect=settings.production),
    )
    # The network layer's components, unchanged, on the DR CIDR (see DrNetwork).
    network = DrNetwork(
        prefix,
        DrNetworkArgs(
            region=settings.dr_region,
            cidr=settings.vpc_cidr,
            az_count=settings.az_count,
            public_cidrs=settings.public_subnet_cidrs,
            private_cidrs=settings.private_subnet_cidrs,
            isolated_cidrs=settings.isolated_subnet_cidrs,
            nat_gateways=settings.nat_gateways,
            flow_log_retention_days=settings.flow_log_retention_days,
            tags=tags,
        ),
        opts=in_dr,
    )
    cluster = DrPilotCluster(
        prefix,
        DrPilotClusterArgs(
            version=reference(Layer.CLUSTER).get("kubernetesVersion"),  # the version the primary runs
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            data_security_group_id=network.data_security_group_id,
            logs_key_arn=network.logs_key_arn,
            admin_role_name=settings.admin_role_name,
            log_retention_days=settings.log_retention_days,
            node_group=settings.pilot_node_group,
            production=settings.production,
            tags=tags,
        ),
        opts=in_dr,
    )

    database = DrDatabaseReplica(
        "dr-postgres",
        DrDatabaseReplicaArgs(
            name_prefix=prefix,
            source_db_arn=data.get("dbInstanceArn"),
            kms_key_arn=keys.arns["database"],
            subnet_ids=network.isolated_subnet_ids,
            security_group_id=network.data_security_group_id,
            engine_major=settings.db_engine_version.split(".")[0],
            instance_class=settings.db_instance_class,
            max_allocated_storage_gb=settings.db_max_allocated_storage_gb,
            backup_retention_days=settings.backup_replication_retention_days,
            create_replica=settings.database_replica,
            multi_az=settings.db_multi_az,
            deletion_protection=settings.production,
            tags=tags,
            protect=settings.production,
        ),
        opts=in_dr,
    )

    if not settings.cache_rebuildable:
        DrCacheSecondary(
            "dr-redis",
            DrCacheSecondaryArgs(
                name_prefix=prefix,
                primary_replication_group_id=data.get("redisReplicationGroupId"),
                dr_provider=dr,
                kms_key_arn=keys.arns["cache"],
                subnet_ids=network.isolated_subnet_ids,
                security_group_id=network.data_security_group_id,
                cluster_mode=settings.cache_cluster_mode,
                replicas_per_shard=settings.cache_replicas_per_shard,
                tags=tags,
            ),
        )
    # else: the cache is rebuildable, so no Redis exists in the DR region until a failover: the runbook at
    # settings.cache_cold_start_runbook (exported) creates it from the data layer's config and lets services warm it.

    access_logs = _access_log_bucket(prefix, f"{settings.organisation}-{settings.environment}", settings.log_retention_days, tags, dr, settings.production)
    replicas = {
        role: DrBucket(
            f"dr-{role}",
            DrBucketArgs(
                bucket_name=f"{prefix}-{role}", kms_key_arn=keys.arns["buckets"], tags=tags, log_bucket=access_logs.bucket_name,
                # The edge layer's distribution fails over to the DR assets (any distribution of this account, as on the primary).
                extra_statements=[_cloudfront_read] if role == "assets" else [],
            ),
            opts=pulumi.ResourceOptions(provider=dr, protect=settings.production),
        )
        for role in REPLICATED_BUCKETS
    }
    # Primary side on purpose: no provider, so the replication rules are written through the primary's.
    DrBucketReplication(
        "dr-s3-replication",
        DrBucketReplicationArgs(
            name_prefix=prefix,
            buckets=[
                ReplicatedBucket(
                    role=role,
                    source_bucket=data.get(f"{role}BucketName"),
                    source_arn=data.get(f"{role}BucketArn"),
                    destination_arn=replicas[role].arn,
                )
                for role in REPLICATED_BUCKETS
            ],
            source_kms_key_arn=data.get("bucketsKeyArn"),
            destination_kms_key_arn=keys.arns["buckets"],
            tags=tags,
        ),
    )

    search_bucket: pulumi.Output[str] | str = ""
    if settings.search_enabled:
        snapshots = DrSearchSnapshots(
            "dr-search-snapshots",
            DrSearchSnapshotsArgs(name_prefix=prefix, kms_key_arn=keys.arns["buckets"], tags=tags, log_bucket=access_logs.bucket_name),
            opts=pulumi.ResourceOptions(provider=dr, protect=settings.production),
        )
        search_bucket = snapshots.bucket_name

    queues = DrQueues(
        "dr-queues",
        DrQueuesArgs(
            queues=dr_queue_specs(settings.queues, messaging),
            kms_key_arn=keys.arns["messaging"],
            tags=tags,
        ),
        opts=in_dr,
    )

    zone_name = edge.get("zoneName")
    # Primary side on purpose: Route53 is global and the zone is the edge layer's.
    failover = DrFailoverDns(
        "dr-failover",
        DrFailoverDnsArgs(
            zone_id=edge.get("zoneId"),
            record_name=edge.get("apiHostname"),
            primary_target=pulumi.Output.concat(settings.primary_api_label, ".", zone_name),
            dr_target=pulumi.Output.concat(settings.dr_api_label, ".", zone_name),
            health_check_path=settings.health_check_path,
            ttl_seconds=settings.failover_ttl_seconds,
            tags=tags,
        ),
    )

    outputs = {
        "drRegion": settings.dr_region,
        "drVpcId": network.vpc_id,
        "drPrivateSubnetIds": network.private_subnet_ids,
        "drClusterName": cluster.cluster_name,
        "drNodeGroupName": cluster.node_group_name,  # what a failover scales up
        "drBucketNames": [replicas[role].bucket_name for role in REPLICATED_BUCKETS],
        "drSearchSnapshotBucket": search_bucket,
        "drQueueUrls": queues.urls,
        "failoverRecordName": failover.record_name,
        "primaryHealthCheckId": failover.health_check_id,
        "cacheColdStartRunbook": settings.cache_cold_start_runbook if settings.cache_rebuildable else "",
    }
    if database.replica_arn is not None:
        outputs["drDbReplicaArn"] = database.replica_arn
        outputs["drDbReplicaIdentifier"] = database.replica_identifier
    export_outputs(Layer.DR, outputs)



def _access_log_bucket(prefix: str, environment_prefix: str, retention_days: int, tags: dict[str, str], dr: aws.Provider, protect: bool) -> DrBucket:
    """The DR region's own access-log bucket: S3 delivers server access logs only within a region."""
    account = aws.get_caller_identity_output().account_id

    def s3_log_delivery(arn: str) -> pulumi.Output[dict]:
        # ACLs are disabled (BucketOwnerEnforced), so S3 log delivery is admitted by policy, from this environment's buckets only.
        return account.apply(lambda a: {
            "Sid": "S3ServerAccessLogDelivery", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject", "Resource": f"{arn}/s3/*",
            "Condition": {"StringEquals": {"aws:SourceAccount": a}, "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{environment_prefix}-*"}},
        })

    return DrBucket(
        "dr-access-logs",
        DrBucketArgs(
            bucket_name=f"{prefix}-access-logs",
            kms_key_arn=None,  # SSE-S3: server access logging cannot write into an SSE-KMS bucket
            tags={**tags, "purpose": "access-logs"},
            expire_after_days=retention_days,
            extra_statements=[s3_log_delivery],
        ),
        opts=pulumi.ResourceOptions(provider=dr, protect=protect),
    )


def _cloudfront_read(arn: str) -> pulumi.Output[dict]:
    account = aws.get_caller_identity_output().account_id
    return account.apply(lambda a: {
        "Sid": "AllowCloudFrontOfThisAccountRead", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject", "Resource": f"{arn}/*", "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:cloudfront::{a}:distribution/*"}},
    })
