"""Cross-field rules of the data sizes: AWS name limits, Redis new enough for IAM auth, OpenSearch node counts."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from platformctl.config.loader import parse_platform
from platformctl.config.sample import sample_text
from platformctl.errors import ConfigError


def _sample(**changes: Any) -> dict:
    raw = yaml.safe_load(sample_text())
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        node = raw
        for key in parents:
            node = node[key]
        node[leaf] = value
    return raw


def _problems(raw: dict) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_platform(yaml.safe_dump(raw), source="test")
    return list(raised.value.details)


def test_the_sample_passes_the_data_rules() -> None:
    platform = parse_platform(sample_text(), source="test")
    assert platform.environments["prod"].cache.engine_version.startswith("7")


def test_an_opensearch_domain_name_over_28_characters_is_refused() -> None:
    problems = _problems(_sample(organisation="a-very-long-organisation-name"))
    assert any("environments.prod.search" in p and "OpenSearch domain names allow 28" in p for p in problems), problems


def test_a_long_name_is_accepted_when_search_is_disabled_and_the_cache_id_fits() -> None:
    raw = _sample(organisation="organisation-of-twenty")  # acme -> 22 characters: search name 36, redis id 34
    for env in raw["environments"].values():
        env["search"]["enabled"] = False
    platform = parse_platform(yaml.safe_dump(raw), source="test")
    assert platform.organisation == "organisation-of-twenty"


def test_redis_older_than_7_is_refused_because_iam_auth_needs_it() -> None:
    raw = _sample()
    raw["environments"]["dev"]["cache"]["engine_version"] = "6.2"
    problems = _problems(raw)
    assert any("environments.dev.cache.engine_version" in p and "IAM authentication" in p for p in problems), problems


def test_an_odd_node_count_over_two_zones_is_refused() -> None:
    raw = _sample()
    raw["environments"]["dev"]["search"]["instance_count"] = 3  # dev spans 2 AZs
    problems = _problems(raw)
    assert any("environments.dev.search.instance_count" in p and "even number" in p for p in problems), problems
