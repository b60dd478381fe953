"""Cross-field rules of the edge section: per-environment settings must name real environments."""

from __future__ import annotations

import pytest

from platformctl.config.loader import parse_platform
from platformctl.config.sample import sample_text
from platformctl.errors import ConfigError

EDGE_WITH = "edge:\n  {key}:\n    {env}: {value}\n"


def _with_edge(key: str, env: str, value: str) -> str:
    return sample_text().replace("environments:\n", EDGE_WITH.format(key=key, env=env, value=value) + "environments:\n", 1)


@pytest.mark.parametrize(("key", "value"), [("existing_zone_ids", "Z0123456789ABC"), ("price_classes", "PriceClass_200")])
def test_settings_for_an_unknown_environment_are_refused(key: str, value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_platform(_with_edge(key, "production", value), source="test")
    text = "\n".join(raised.value.details)
    assert f"edge.{key}.production" in text and "no environment 'production'" in text, text


@pytest.mark.parametrize(("key", "value"), [("existing_zone_ids", "Z0123456789ABC"), ("price_classes", "PriceClass_200")])
def test_settings_for_a_known_environment_are_accepted(key: str, value: str) -> None:
    platform = parse_platform(_with_edge(key, "prod", value), source="test")
    assert getattr(platform.edge, key) == {"prod": value}


def test_a_malformed_zone_id_is_refused() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_platform(_with_edge("existing_zone_ids", "prod", "example.com"), source="test")
    assert any("not a Route53 hosted zone id" in line for line in raised.value.details), raised.value.details
