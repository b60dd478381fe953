"""Cross-field rules of the addons section: app namespaces apart from platform ones, add-on names within AWS limits."""

from __future__ import annotations

import pytest
import yaml

from platformctl.config.loader import parse_platform
from platformctl.config.sample import sample_text
from platformctl.errors import ConfigError


def _problems(raw: dict) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_platform(yaml.safe_dump(raw), source="test")
    return list(raised.value.details)


@pytest.mark.parametrize("reserved", ["kube-system", "platform-system", "ingress", "observability", "default"])
def test_app_namespace_may_not_be_a_platform_or_system_namespace(reserved: str) -> None:
    raw = yaml.safe_load(sample_text())
    raw["addons"] = {"app_namespaces": ["apps", reserved]}
    text = "\n".join(_problems(raw))
    assert "addons.app_namespaces.1" in text and reserved in text, text


def test_app_namespace_listed_twice_is_refused() -> None:
    raw = yaml.safe_load(sample_text())
    raw["addons"] = {"app_namespaces": ["apps", "apps"]}
    text = "\n".join(_problems(raw))
    assert "addons.app_namespaces.1" in text and "twice" in text, text


def test_names_over_aws_limits_are_refused() -> None:
    raw = yaml.safe_load(sample_text())
    raw["organisation"] = "a" * 38 + "bc"  # 40 characters, the longest DNS label the model allows
    text = "\n".join(_problems(raw))
    assert "cluster-autoscaler" in text and "IAM role names allow 64" in text, text


def test_sample_addons_settings_are_accepted() -> None:
    raw = yaml.safe_load(sample_text())
    raw["addons"] = {"app_namespaces": ["apps", "orders"], "datadog_site": "datadoghq.eu", "rate_limit_per_minute": 120}
    platform = parse_platform(yaml.safe_dump(raw), source="test")
    assert platform.addons.app_namespaces == ["apps", "orders"] and platform.addons.datadog_site == "datadoghq.eu"
