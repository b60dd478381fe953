"""The dr layer's Pulumi config as one typed object (the program reads config only here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stacks.components.node_group import NodeGroupSpec
from stacks.layer_settings import ConfigSource, LayerSettings, read_common


@dataclass(frozen=True, kw_only=True)
class DrSettings(LayerSettings):
    enabled: bool
    vpc_cidr: str
    az_count: int
    nat_gateways: int
    public_subnet_cidrs: list[str]
    private_subnet_cidrs: list[str]
    isolated_subnet_cidrs: list[str]
    flow_log_retention_days: int
    database_replica: bool
    db_instance_class: str
    db_multi_az: bool
    db_engine_version: str
    db_max_allocated_storage_gb: int
    backup_replication_retention_days: int
    cache_rebuildable: bool
    cache_cold_start_runbook: str
    cache_cluster_mode: bool
    cache_replicas_per_shard: int
    search_enabled: bool
    queues: list[dict[str, Any]]
    admin_role_name: str
    log_retention_days: int
    pilot_node_group: NodeGroupSpec  # the primary's first group's shape, idling at the pilot-light size
    failover_ttl_seconds: int
    health_check_path: str
    primary_api_label: str
    dr_api_label: str

    @property
    def name_prefix(self) -> str:
        """Physical names of DR resources: f"{organisation}-{environment}-dr-<role>"."""
        return f"{self.prefix}-dr"

    @classmethod
    def from_config(cls, config: ConfigSource) -> DrSettings:
        return cls(
            **read_common(config),
            enabled=config.require_bool("drEnabled"),
            vpc_cidr=config.require("vpcCidr"),
            az_count=config.require_int("azCount"),
            nat_gateways=config.require_int("natGateways"),
            public_subnet_cidrs=config.require_object("publicSubnetCidrs"),
            private_subnet_cidrs=config.require_object("privateSubnetCidrs"),
            isolated_subnet_cidrs=config.require_object("isolatedSubnetCidrs"),
            flow_log_retention_days=config.require_int("flowLogRetentionDays"),
            database_replica=config.require_bool("databaseReplica"),
            db_instance_class=config.require("dbInstanceClass"),
            db_multi_az=config.require_bool("dbMultiAz"),
            db_engine_version=config.require("dbEngineVersion"),
            db_max_allocated_storage_gb=config.require_int("dbMaxAllocatedStorageGb"),
            backup_replication_retention_days=config.require_int("backupReplicationRetentionDays"),
            cache_rebuildable=config.require_bool("cacheRebuildable"),
            cache_cold_start_runbook=config.require("cacheColdStartRunbook"),
            cache_cluster_mode=config.require_bool("cacheClusterMode"),
            cache_replicas_per_shard=config.require_int("cacheReplicasPerShard"),
            search_enabled=config.require_bool("searchEnabled"),
            queues=config.require_object("queues"),
            admin_role_name=config.require("adminRoleName"),
            log_retention_days=config.require_int("logRetentionDays"),
            pilot_node_group=NodeGroupSpec(**config.require_object("pilotNodeGroup")),
            failover_ttl_seconds=config.require_int("failoverTtlSeconds"),
            health_check_path=config.require("healthCheckPath"),
            primary_api_label=config.require("primaryApiLabel"),
            dr_api_label=config.require("drApiLabel"),
        )
