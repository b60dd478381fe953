"""The data layer's Pulumi config as one typed object (the program reads config only here).

The sizing objects carry platform.yaml's `environments.<env>.database|cache|search`, snake_case as
platformctl dumps them and as this layer's Pulumi.yaml defaults spell them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stacks.layer_settings import ConfigSource, LayerSettings, read_common


@dataclass(frozen=True, kw_only=True)
class DatabaseSizing:
    engine_version: str
    instance_class: str
    allocated_storage_gb: int
    max_allocated_storage_gb: int
    multi_az: bool
    read_replicas: int
    backup_retention_days: int
    monitoring_interval_seconds: int

    @classmethod
    def from_config(cls, raw: dict[str, Any]) -> DatabaseSizing:
        return cls(
            engine_version=raw["engine_version"],
            instance_class=raw["instance_class"],
            allocated_storage_gb=raw["allocated_storage_gb"],
            max_allocated_storage_gb=raw["max_allocated_storage_gb"],
            multi_az=raw["multi_az"],
            read_replicas=raw["read_replicas"],
            backup_retention_days=raw["backup_retention_days"],
            monitoring_interval_seconds=raw.get("monitoring_interval_seconds", 60),
        )


@dataclass(frozen=True, kw_only=True)
class CacheSizing:
    engine_version: str
    node_type: str
    cluster_mode: bool
    shards: int
    replicas_per_shard: int
    snapshot_retention_days: int

    @classmethod
    def from_config(cls, raw: dict[str, Any]) -> CacheSizing:
        # `rebuildable` is the dr layer's concern (whether the cache is replicated); it is ignored here.
        return cls(
            engine_version=raw["engine_version"],
            node_type=raw["node_type"],
            cluster_mode=raw["cluster_mode"],
            shards=raw["shards"],
            replicas_per_shard=raw["replicas_per_shard"],
            snapshot_retention_days=raw["snapshot_retention_days"],
        )


@dataclass(frozen=True, kw_only=True)
class SearchSizing:
    enabled: bool
    engine_version: str
    instance_type: str
    instance_count: int
    dedicated_masters: bool
    master_instance_type: str
    volume_gb: int

    @classmethod
    def from_config(cls, raw: dict[str, Any]) -> SearchSizing:
        return cls(
            enabled=raw["enabled"],
            engine_version=raw["engine_version"],
            instance_type=raw["instance_type"],
            instance_count=raw["instance_count"],
            dedicated_masters=raw["dedicated_masters"],
            master_instance_type=raw["master_instance_type"],
            volume_gb=raw["volume_gb"],
        )


@dataclass(frozen=True, kw_only=True)
class DataSettings(LayerSettings):
    az_count: int
    log_retention_days: int
    admin_role_name: str  # the only role that may assume the OpenSearch master user
    database: DatabaseSizing
    cache: CacheSizing
    search: SearchSizing
    snowflake_principal: str  # empty: no Snowflake storage integration yet
    snowflake_external_id: str

    @classmethod
    def from_config(cls, config: ConfigSource) -> DataSettings:
        warehouse = dict(config.require_object("warehouse"))
        return cls(
            **read_common(config),
            az_count=config.require_int("azCount"),
            log_retention_days=config.require_int("logRetentionDays"),
            admin_role_name=config.require("adminRoleName"),
            database=DatabaseSizing.from_config(config.require_object("database")),
            cache=CacheSizing.from_config(config.require_object("cache")),
            search=SearchSizing.from_config(config.require_object("search")),
            snowflake_principal=warehouse.get("snowflakeAwsPrincipal") or "",
            snowflake_external_id=warehouse.get("snowflakeExternalId") or "",
        )
