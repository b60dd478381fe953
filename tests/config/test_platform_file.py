"""platform.yaml: every problem at once, one line each with its path and line; CIDR rules hold for any input."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platformctl.config.addressing import plan_subnets
from platformctl.config.loader import parse_platform
from platformctl.config.sample import sample_text
from platformctl.errors import ConfigError


def _problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_platform(text, source="platform.yaml")
    assert caught.value.exit_code == 2
    return caught.value.details


def test_sample_is_valid() -> None:
    platform = parse_platform(sample_text(), source="sample")
    assert set(platform.environments) == {"dev", "staging", "prod"}
    assert platform.is_production("prod") and not platform.is_production("dev")


def test_all_problems_are_reported_at_once_with_paths_and_lines() -> None:
    text = (
        sample_text()
        .replace("organisation: acme", "organisation: Acme_Corp")
        .replace("instance_class: db.r6g.xlarge", "instance_class: huge")
        .replace("azs: 2", "azs: 7")
    )
    problems = _problems(text)
    assert len(problems) == 3, problems
    assert any(p.startswith("organisation:") and "(line " in p for p in problems)
    assert any(p.startswith("environments.prod.database.instance_class:") for p in problems)
    assert any(p.startswith("environments.dev.network.azs:") and "less than or equal to 3" in p for p in problems)


# The sample's production DR line, which two cases below rewrite.
PROD_DR = "dr: {enabled: true, rpo_minutes: 60, rto_minutes: 240, pilot_light_min_nodes: 1}"


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        ("dr: eu-central-1", "dr: eu-west-1", "regions", "must differ"),
        ("primary: eu-west-1", "primary: eu-wets-1", "regions.primary", "not an AWS region"),
        ("cidr: 10.20.0.0/16", "cidr: 10.10.128.0/17", "environments.staging.network.cidr", "overlaps"),
        ("dr_cidr: 10.130.0.0/16", "dr_cidr: 10.30.0.0/16", "environments.prod.network.dr_cidr", "overlaps"),
        ("cidr: 10.30.0.0/16", "cidr: 10.30.0.0/24", "environments.prod.network.cidr", "/16 to /20"),
        ("cidr: 10.30.0.0/16", "cidr: 8.8.0.0/16", "environments.prod.network.cidr", "not a private range"),
        ("cidr: 10.30.0.0/16", "cidr: 10.30.0.1/16", "environments.prod.network.cidr", "not a valid network CIDR"),
        ("read_replicas: 2", "read_replicas: 9", "environments.prod.database.read_replicas", "less than or equal to 5"),
        ("shards: 3", "shards: 0", "environments.prod.cache.shards", "greater than or equal to 1"),
        ("min: 3, desired: 3, max: 12", "min: 5, desired: 3, max: 12", "environments.prod.cluster.node_groups.0", "min <= desired <= max"),
        ("nat_gateways: 3}", "nat_gateways: 1}", "environments.prod.network.nat_gateways", "one NAT gateway per AZ"),
        ("domain: acme.example.com", "domain: not a domain", "domain", "expected form"),
        (PROD_DR, "dr: {enabled: true, rpo_minutes: 60, database_replica: false}", "environments.prod.dr.database_replica", "cannot meet an RPO"),
    ],
)
def test_each_rule_names_its_path(old: str, new: str, path: str, words: str) -> None:
    text = sample_text()
    assert old in text, f"the sample no longer contains {old!r}"
    problems = _problems(text.replace(old, new, 1))
    assert any(p.startswith(f"{path}:") and words in p for p in problems), problems


@pytest.mark.parametrize(
    "line",
    ["db_password: hunter2", "api_token: abc123", "note: AKIAABCDEFGHIJKLMNOP", "key: '-----BEGIN RSA PRIVATE KEY-----'"],
)
def test_secrets_are_refused_without_echoing_them(line: str) -> None:
    problems = _problems(sample_text() + f"\nextra:\n  {line}\n")
    assert any("secret" in p or "credential" in p for p in problems), problems
    value = line.split(": ", 1)[1].strip("'")
    assert all(value not in p for p in problems), "the secret value itself must never be echoed"


def test_broken_yaml_names_the_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_platform("organisation: acme\nregions: [unclosed\n", source="p.yaml")
    assert "not valid YAML at line" in caught.value.message


def test_unknown_keys_are_named() -> None:
    problems = _problems(sample_text().replace("tags:\n", "tagz: {}\ntags:\n"))
    assert any(p.startswith("tagz:") and "not a known setting" in p for p in problems)


@settings(max_examples=200, deadline=None)
@given(
    first=st.integers(min_value=0, max_value=255),
    second=st.integers(min_value=0, max_value=255),
    prefix=st.integers(min_value=16, max_value=20),
    azs=st.integers(min_value=1, max_value=3),
)
def test_subnets_stay_inside_the_vpc_and_never_overlap(first: int, second: int, prefix: int, azs: int) -> None:
    vpc = ipaddress.ip_network(f"10.{first}.{second}.0/{prefix}", strict=False)
    plan = plan_subnets(str(vpc), azs)
    subnets = [ipaddress.ip_network(c) for c in plan.public + plan.private + plan.isolated]
    assert len(subnets) == 3 * azs
    for i, subnet in enumerate(subnets):
        assert subnet.subnet_of(vpc), f"{subnet} is outside {vpc}"
        for other in subnets[i + 1 :]:
            assert not subnet.overlaps(other), f"{subnet} overlaps {other}"
    assert all(s.num_addresses >= 256 for s in map(ipaddress.ip_network, plan.private)), "app subnets must hold pods"


@settings(max_examples=100, deadline=None)
@given(a=st.integers(min_value=0, max_value=255), b=st.integers(min_value=0, max_value=255), pa=st.integers(16, 20), pb=st.integers(16, 20))
def test_overlap_rule_matches_ipaddress(a: int, b: int, pa: int, pb: int) -> None:
    net_a = ipaddress.ip_network(f"10.{a}.0.0/{pa}", strict=False)
    net_b = ipaddress.ip_network(f"10.{b}.0.0/{pb}", strict=False)
    text = sample_text().replace("cidr: 10.10.0.0/16", f"cidr: {net_a}", 1).replace("cidr: 10.20.0.0/16", f"cidr: {net_b}", 1)
    others = [ipaddress.ip_network(c) for c in ("10.110.0.0/16", "10.120.0.0/16", "10.30.0.0/16", "10.130.0.0/16")]
    expected = net_a.overlaps(net_b) or any(net_a.overlaps(o) or net_b.overlaps(o) for o in others)
    try:
        parse_platform(text, source="p")
        reported = False
    except ConfigError as exc:
        reported = any("overlaps" in d for d in exc.details)
    assert reported == expected, f"{net_a} vs {net_b}"


def test_production_keeps_logs_a_year_unless_the_file_says_otherwise() -> None:
    platform = parse_platform(sample_text(), source="test")
    prod, dev = platform.environments["prod"], platform.environments["dev"]
    assert (prod.network.flow_log_retention_days, prod.cluster.log_retention_days) == (365, 365)
    assert (dev.network.flow_log_retention_days, dev.cluster.log_retention_days) == (90, 90)
    head, tail = sample_text().split("\n  prod:\n", 1)
    tail = tail.replace("nat_gateways: 3}", "nat_gateways: 3, flow_log_retention_days: 400}", 1)
    chosen = parse_platform(f"{head}\n  prod:\n{tail}", source="test").environments["prod"]
    assert chosen.network.flow_log_retention_days == 400 and chosen.cluster.log_retention_days == 365
