"""Pulumi config of the data layer."""

from __future__ import annotations

from typing import Any

from platformctl.config.platform_file import Platform


def build(platform: Platform, env: str) -> dict[str, Any]:
    environment = platform.environments[env]
    warehouse = platform.warehouse
    return {
        "azCount": environment.network.azs,
        "adminRoleName": environment.cluster.admin_role_name,
        "logRetentionDays": 365 if platform.is_production(env) else 30,
        "database": environment.database.model_dump(),
        "cache": environment.cache.model_dump(),
        "search": environment.search.model_dump(),
        # Empty strings: no Snowflake storage integration yet, so no role for it.
        "warehouse": {
            "snowflakeAwsPrincipal": warehouse.snowflake_aws_principal or "",
            "snowflakeExternalId": warehouse.snowflake_external_id or "",
        },
    }
