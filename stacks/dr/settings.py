"""The dr layer's Pulumi config as one typed object (the program reads config only here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi


@dataclass(frozen=True)
class DrSettings:
    environment: str
    organisation: str
    primary_region: str
    dr_region: str
    production: bool
    tags: dict[str, str]
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
    kubernetes_version: str
    admin_role_name: str
    log_retention_days: int
    pilot_node_group: dict[str, Any]
    failover_ttl_seconds: int
    health_check_path: str
    primary_api_label: str
    dr_api_label: str

    @property
    def name_prefix(self) -> str:
        """Physical names of DR resources: f"{organisation}-{environment}-dr-<role>"."""
        return f"{self.organisation}-{self.environment}-dr"

    @classmethod
    def from_config(cls, config: pulumi.Config) -> DrSettings:
        return cls(
            environment=config.require("environment"),
            organisation=config.require("organisation"),
            primary_region=config.require("primaryRegion"),
            dr_region=config.require("drRegion"),
            production=config.get_bool("production") or False,
            tags=config.get_object("tags") or {},
            enabled=config.get_bool("drEnabled") is not False,
            vpc_cidr=config.require("vpcCidr"),
            az_count=config.require_int("azCount"),
            nat_gateways=config.require_int("natGateways"),
            public_subnet_cidrs=config.require_object("publicSubnetCidrs"),
            private_subnet_cidrs=config.require_object("privateSubnetCidrs"),
            isolated_subnet_cidrs=config.require_object("isolatedSubnetCidrs"),
            flow_log_retention_days=config.get_int("flowLogRetentionDays") or 90,
            database_replica=config.get_bool("databaseReplica") is not False,
            db_instance_class=config.require("dbInstanceClass"),
            db_multi_az=config.get_bool("dbMultiAz") is not False,
            db_engine_version=config.require("dbEngineVersion"),
            db_max_allocated_storage_gb=config.require_int("dbMaxAllocatedStorageGb"),
            backup_replication_retention_days=config.require_int("backupReplicationRetentionDays"),
            cache_rebuildable=config.get_bool("cacheRebuildable") is not False,
            cache_cold_start_runbook=config.require("cacheColdStartRunbook"),
            cache_cluster_mode=config.get_bool("cacheClusterMode") or False,
            cache_replicas_per_shard=config.require_int("cacheReplicasPerShard"),
            search_enabled=config.get_bool("searchEnabled") is not False,
            queues=config.require_object("queues"),
            kubernetes_version=config.require("kubernetesVersion"),
            admin_role_name=config.require("adminRoleName"),
            log_retention_days=config.require_int("logRetentionDays"),
            pilot_node_group=config.require_object("pilotNodeGroup"),
            failover_ttl_seconds=config.require_int("failoverTtlSeconds"),
            health_check_path=config.require("healthCheckPath"),
            primary_api_label=config.require("primaryApiLabel"),
            dr_api_label=config.require("drApiLabel"),
        )
