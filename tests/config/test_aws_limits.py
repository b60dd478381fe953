"""What AWS would refuse is refused at load time: tag limits, repeated names, instance types that do not exist."""

from __future__ import annotations

import re

import pytest

from platformctl.config.aws_tags import MAX_KEY_LENGTH, MAX_USER_TAGS, MAX_VALUE_LENGTH, PLATFORM_TAG_KEYS
from platformctl.config.loader import parse_platform
from platformctl.config.sample import sample_text
from platformctl.errors import ConfigError


def _tags(lines: list[str]) -> str:
    return sample_text().replace("\ntags:", "\ntags:\n" + "".join(f"  {line}\n" for line in lines).rstrip("\n"), 1)


def _problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_platform(text, source="platform.yaml")
    return raised.value.details


@pytest.mark.parametrize(
    "lines, expected",
    [
        ([f"t{i}: v" for i in range(MAX_USER_TAGS)], f"tags: has {MAX_USER_TAGS + 1} tags; AWS allows 50"),
        (["aws:created-by: me"], "tags.aws:created-by: tag keys starting with 'aws:' are reserved for AWS"),
        (["AWS:Thing: me"], "reserved for AWS"),
        ([f"{'k' * (MAX_KEY_LENGTH + 1)}: v"], f"a tag key is 1 to {MAX_KEY_LENGTH} characters (this one has {MAX_KEY_LENGTH + 1})"),
        ([f"long: {'v' * (MAX_VALUE_LENGTH + 1)}"], f"a tag value is at most {MAX_VALUE_LENGTH} characters (this one has {MAX_VALUE_LENGTH + 1})"),
        (["'team#1': v"], "a tag key may hold letters, digits, spaces"),
        (["team: 'a;b'"], "a tag value may hold letters, digits, spaces"),
        (["environment: staging"], "tags.environment: is a tag the platform sets on its resources itself"),
        (["kubernetes.io/role/elb: '1'"], "is a tag the platform sets"),
    ],
    ids=["too many", "aws: prefix", "AWS: prefix", "key too long", "value too long", "key character", "value character", "platform key", "platform prefix"],
)
def test_tags_aws_would_refuse(lines, expected) -> None:
    problems = _problems(_tags(lines))
    assert any(expected in p and "(line " in p for p in problems), problems


def test_tags_within_every_limit_pass() -> None:
    # The sample has one tag already: with these, exactly the most platform.yaml may set.
    odd = [f"{'k' * MAX_KEY_LENGTH}: {'v' * MAX_VALUE_LENGTH}", "'team name:/=+-@_.': 'Zoë Ü 12'", "empty: ''"]
    lines = odd + [f"t{i}: v" for i in range(MAX_USER_TAGS - 1 - len(odd))]
    platform = parse_platform(_tags(lines), source="platform.yaml")
    assert len(platform.tags) == MAX_USER_TAGS


def test_every_platform_tag_key_is_refused() -> None:
    for key in PLATFORM_TAG_KEYS:
        assert any(p.startswith(f"tags.{key}:") for p in _problems(_tags([f"{key}: x"]))), key


def _node_groups(groups: str) -> str:
    text, count = re.subn(r"^(      node_groups: )\[.*\]$", lambda m: m.group(1) + groups, sample_text(), count=1, flags=re.M)
    assert count == 1, "the sample's node_groups moved: update this test"
    return text


def test_repeated_node_group_names_are_a_config_error() -> None:
    problems = _problems(_node_groups("[{name: general}, {name: general}]"))
    assert any("node group names must be unique" in p and "repeated: general" in p for p in problems), problems


def test_repeated_topics_and_scopes_are_config_errors() -> None:
    text = re.sub(r"^(  topics: ).*$", r"\1[alerts, alerts]", sample_text(), count=1, flags=re.M)
    assert any(p.startswith("messaging.topics: topic names must be unique") for p in _problems(text))
    text = re.sub(r"^(  resource_server_scopes: ).*$", r"\1[read, read]", sample_text(), count=1, flags=re.M)
    assert any("scopes must be unique" in p for p in _problems(text))


@pytest.mark.parametrize(
    "instance_type, phrase",
    [("x99.mega", "there is no EC2 instance family 'x99'"), ("m6i.mega", "there is no EC2 instance size 'mega'"), ("m6i", "is not an EC2 instance type")],
)
def test_instance_types_that_do_not_exist_are_refused(instance_type, phrase) -> None:
    problems = _problems(_node_groups(f"[{{name: general, instance_types: [m6i.large, {instance_type}]}}]"))
    assert any("instance_types" in p and phrase in p for p in problems), problems


@pytest.mark.parametrize("instance_type", ["m6i.large", "m7g.2xlarge", "t3.medium", "c7i-flex.xlarge", "r6gd.metal", "u-6tb1.112xlarge"])
def test_real_instance_types_pass(instance_type) -> None:
    parse_platform(_node_groups(f"[{{name: general, instance_types: [{instance_type}]}}]"), source="platform.yaml")
