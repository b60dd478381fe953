"""Cross-field rules of the DR region: feasibility of the RTO/RPO, AWS limits of the dr layer's resources."""

from __future__ import annotations

from typing import Any

from platformctl.config.platform_file import Platform
from platformctl.config.rules import check_platform


def _platform(organisation: str = "acme", env: str = "prod", **sections: dict[str, Any]) -> Platform:
    environment = {
        "network": {"cidr": "10.30.0.0/16", "dr_cidr": "10.130.0.0/16", "azs": 3, "nat_gateways": 3},
        "database": {"multi_az": True, "backup_retention_days": 30},
        "cache": {"node_type": "cache.r6g.large", "replicas_per_shard": 1},
        "search": {"instance_count": 3},
        "backup": {"retention_days": 30},
        "cluster": {"node_groups": [{"name": "general", "min": 1, "desired": 2, "max": 4}]},
        "dr": {"enabled": True},
    }
    for section, changes in sections.items():
        environment[section] = {**environment[section], **changes}
    return Platform.model_validate({
        "organisation": organisation,
        "domain": "acme.example.com",
        "regions": {"primary": "eu-west-1", "dr": "eu-central-1"},
        "environments": {env: environment},
    })


def _messages(platform: Platform, *path: Any) -> list[str]:
    return [message for where, message in check_platform(platform) if where[: len(path)] == path]


def test_a_feasible_dr_setup_has_no_dr_problems() -> None:
    assert _messages(_platform(), "environments", "prod", "dr") == []
    assert _messages(_platform(), "environments", "prod", "cache") == []


def test_an_rpo_below_s3_replication_time_control_is_refused() -> None:
    messages = _messages(_platform(dr={"enabled": True, "rpo_minutes": 10}), "environments", "prod", "dr", "rpo_minutes")
    assert any("15 minutes S3 Replication Time Control" in m for m in messages), messages


def test_an_rpo_of_exactly_15_minutes_is_accepted() -> None:
    assert _messages(_platform(dr={"enabled": True, "rpo_minutes": 15}), "environments", "prod", "dr", "rpo_minutes") == []


def test_a_burstable_node_cannot_join_a_global_datastore() -> None:
    platform = _platform(cache={"node_type": "cache.t4g.small", "rebuildable": False})
    messages = _messages(platform, "environments", "prod", "cache", "node_type")
    assert any("cannot join a global datastore" in m for m in messages), messages


def test_a_burstable_node_is_fine_when_the_cache_is_rebuildable() -> None:
    platform = _platform(cache={"node_type": "cache.t4g.small", "rebuildable": True})
    assert _messages(platform, "environments", "prod", "cache", "node_type") == []


def test_a_pilot_light_above_the_mirrored_node_group_max_is_refused() -> None:
    platform = _platform(
        cluster={"node_groups": [{"name": "general", "min": 1, "desired": 1, "max": 2}]},
        dr={"enabled": True, "pilot_light_min_nodes": 3},
    )
    messages = _messages(platform, "environments", "prod", "dr", "pilot_light_min_nodes")
    assert any("exceeds the max of node group 'general' (2)" in m for m in messages), messages


def test_dr_physical_names_over_aws_limits_are_refused() -> None:
    organisation = "a" * 24  # 24 + "-prod-dr-redis" = 38 fits; a 16-character env name does not
    platform = _platform(organisation=organisation, env="production-euw1x")
    messages = _messages(platform, "environments", "production-euw1x", "dr")
    assert any("ElastiCache replication group ids allow 40" in m for m in messages), messages
    assert not _messages(_platform(organisation=organisation), "environments", "prod", "dr")


def test_disabled_dr_is_not_checked_for_dr_limits() -> None:
    platform = _platform(env="staging", dr={"enabled": False, "rpo_minutes": 5}, cache={"node_type": "cache.t4g.small", "rebuildable": False})
    assert _messages(platform, "environments", "staging", "dr", "rpo_minutes") == []
    assert _messages(platform, "environments", "staging", "cache", "node_type") == []
