"""Rules of the cluster section: the Kubernetes API is never open to the internet, and private only in production."""

from __future__ import annotations

import pytest

from platformctl.config.loader import parse_platform
from platformctl.config.sample import sample_text
from platformctl.errors import ConfigError

PROD_PRIVATE = "public_endpoint_cidrs: []"
DEV_GROUPS = "node_groups: [{name: general, instance_types: [t3.large]"


def _prod_cidrs(cidrs: str) -> str:
    assert PROD_PRIVATE in sample_text(), "the sample's prod no longer lists public_endpoint_cidrs: []"
    return sample_text().replace(PROD_PRIVATE, f"public_endpoint_cidrs: {cidrs}", 1)


def _dev_cidrs(cidrs: str) -> str:
    assert DEV_GROUPS in sample_text(), "the sample's dev node group line changed"
    return sample_text().replace(DEV_GROUPS, f"public_endpoint_cidrs: {cidrs}\n      {DEV_GROUPS}", 1)


def test_production_refuses_a_public_api_endpoint() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_platform(_prod_cidrs("[203.0.113.0/24]"), source="test")
    text = "\n".join(raised.value.details)
    assert "environments.prod.cluster.public_endpoint_cidrs" in text and "private" in text, text


def test_a_non_production_environment_may_list_office_cidrs() -> None:
    platform = parse_platform(_dev_cidrs("[203.0.113.0/24]"), source="test")
    assert platform.environments["dev"].cluster.public_endpoint_cidrs == ["203.0.113.0/24"]


@pytest.mark.parametrize("cidr", ["0.0.0.0/0", "::/0"])
def test_the_whole_internet_is_refused_everywhere(cidr: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_platform(_dev_cidrs(f"['{cidr}']"), source="test")
    text = "\n".join(raised.value.details)
    assert "environments.dev.cluster.public_endpoint_cidrs" in text and "internet" in text, text
