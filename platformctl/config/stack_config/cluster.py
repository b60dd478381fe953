"""Pulumi config of the cluster layer."""

from __future__ import annotations

from typing import Any

from platformctl.config.platform_file import Platform


def build(platform: Platform, env: str) -> dict[str, Any]:
    cluster = platform.environments[env].cluster
    return {
        "kubernetesVersion": cluster.version,
        "publicEndpointCidrs": cluster.public_endpoint_cidrs,
        "nodeGroups": [group.model_dump() for group in cluster.node_groups],
        "adminRoleName": cluster.admin_role_name,
        "logRetentionDays": cluster.log_retention_days,
    }
