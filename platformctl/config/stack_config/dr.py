"""Pulumi config of the dr layer: the passive copy of one environment in the DR region."""

from __future__ import annotations

from typing import Any

from platformctl.config.platform_file import Platform
from platformctl.config.stack_config.network import vpc_config

# Where on-call finds the steps to cold-start the cache in the DR region (no Redis is replicated then).
CACHE_COLD_START_RUNBOOK = "stacks/dr/runbooks/cache-cold-start.md"  # relative to the folder holding stacks/


def build(platform: Platform, env: str) -> dict[str, Any]:
    """The dr layer's config keys for env (its Pulumi.yaml declares every one)."""
    settings = platform.environments[env]
    dr, network, cluster = settings.dr, settings.network, settings.cluster
    # The pilot light mirrors the primary's first (general) node group: the same instance types and the
    # same maximum, so a failover only raises min/desired; it idles at pilot_light_min_nodes (0 or 1).
    primary_group = cluster.node_groups[0]
    return {
        "drEnabled": dr.enabled,
        **vpc_config(network, network.dr_cidr),
        "databaseReplica": dr.database_replica,
        "dbInstanceClass": settings.database.instance_class,
        "dbMultiAz": settings.database.multi_az,
        "dbEngineVersion": settings.database.engine_version,
        "dbMaxAllocatedStorageGb": settings.database.max_allocated_storage_gb,
        # AWS keeps replicated automated backups for 1-35 days; fewer than 7 would not cover a week of PITR.
        "backupReplicationRetentionDays": max(7, settings.database.backup_retention_days),
        "cacheRebuildable": settings.cache.rebuildable,
        "cacheColdStartRunbook": CACHE_COLD_START_RUNBOOK,
        "cacheClusterMode": settings.cache.cluster_mode,
        "cacheReplicasPerShard": settings.cache.replicas_per_shard,
        "searchEnabled": settings.search.enabled,
        "queues": [queue.model_dump() for queue in platform.messaging.queues],
        "adminRoleName": cluster.admin_role_name,
        "logRetentionDays": cluster.log_retention_days,
        "pilotNodeGroup": {
            "name": "pilot",
            "instance_types": list(primary_group.instance_types),
            "min": dr.pilot_light_min_nodes,
            "desired": dr.pilot_light_min_nodes,
            "max": primary_group.max,
            "disk_gb": primary_group.disk_gb,
        },
        "failoverTtlSeconds": 60,
        "healthCheckPath": "/healthz",
        "primaryApiLabel": "api-primary",
        "drApiLabel": "api-dr",
    }
