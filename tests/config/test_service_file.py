"""service.yaml: the model deploy reads, its per-environment merge, and one line per problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.config.service_file import load_service, parse_service
from platformctl.errors import ConfigError, UsageError
from platformctl.paths import skeleton_dir

VALID = """\
name: orders
owner: team-checkout
port: 8000
skeleton_version: 1.0.0
features: [jobs]
resources: {cpu: 250m, memory: 256Mi, cpu_limit: "1", memory_limit: 512Mi}
scaling: {min: 2, max: 10, target_cpu: 70}
queues: [orders-jobs]
rate_limits: {default: 100/minute, items.get: 600/minute}
environments:
  dev:
    scaling: {min: 1, max: 2}
    resources: {cpu: 100m}
  prod:
    scaling: {min: 3, max: 20, target_cpu: 60}
    resources: {cpu: 1, memory: 1Gi, cpu_limit: 2, memory_limit: 2Gi}
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_service(text, source="service.yaml")
    return caught.value.details


def test_the_skeletons_own_service_yaml_is_valid() -> None:
    manifest = load_service(skeleton_dir())
    assert manifest.name == "skeleton"
    assert manifest.features == ["jobs", "notifications", "integrations", "search"]


def test_environment_overrides_merge_over_the_top_level() -> None:
    manifest = parse_service(VALID, source="service.yaml")
    dev = manifest.for_environment("dev")
    assert (dev.scaling.min, dev.scaling.max, dev.scaling.target_cpu) == (1, 2, 70)
    assert (dev.resources.cpu, dev.resources.memory, dev.resources.memory_limit) == ("100m", "256Mi", "512Mi")
    prod = manifest.for_environment("prod")
    assert (prod.resources.cpu, prod.resources.cpu_limit) == ("1", "2")  # numbers in YAML become quantities
    staging = manifest.for_environment("staging")  # no overrides: the top level as it is
    assert staging.scaling == manifest.scaling and staging.resources == manifest.resources


def test_every_problem_is_listed_with_its_path_and_line() -> None:
    text = VALID.replace("name: orders", "name: Orders").replace("100/minute", "lots").replace("memory: 1Gi", "memory: 1Gx")
    text += "replicas: 3\n"
    problems = _problems(text)
    assert len(problems) == 4, problems
    joined = "\n".join(problems)
    assert "name: 'Orders' does not have the expected form" in joined and "(line 1)" in joined
    assert "rate_limits.default:" in joined
    assert "environments.prod.resources.memory: '1Gx' is not a Kubernetes memory quantity" in joined and "(line 16)" in joined
    assert "replicas: is not a known setting" in joined


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (("max: 20", "max: 2"), "environments.prod.scaling: min (3) is more than max (2)"),
        (("cpu: 1, memory", "cpu: 3, memory"), "environments.prod.resources: cpu request 3 is more than its limit 2"),
        (("memory: 256Mi,", "memory: 1Gi,"), "resources: memory request 1Gi is more than its limit 512Mi"),
        (("queues: [orders-jobs]", "queues: [a, a]"), "queues: lists a more than once"),
        (("port: 8000", "port: 80"), "port: Input should be greater than or equal to 1024"),
        (("target_cpu: 70", "target_cpu: 100"), "scaling.target_cpu: Input should be less than or equal to 95"),
        (("cpu: 250m", "cpu: -1"), "resources.cpu: '-1' must be a finite amount more than zero"),
        (("cpu: 250m", "cpu: inf"), "resources.cpu: 'inf' must be a finite amount more than zero"),
        (("memory: 256Mi,", "memory: 1e400Gi,"), "resources.memory: '1e400Gi' is more than any node offers"),
    ],
)
def test_cross_field_rules(edit: tuple[str, str], says: str) -> None:
    problems = _problems(VALID.replace(*edit, 1))
    assert any(p.startswith(says) for p in problems), problems


def test_a_partial_top_level_block_is_completed_by_nothing() -> None:
    problems = _problems(VALID.replace("resources: {cpu: 250m, memory: 256Mi,", "resources: {cpu: 250m,"))
    assert any(p.startswith("resources.memory: is required") for p in problems), problems


def test_not_yaml_or_not_a_mapping() -> None:
    with pytest.raises(ConfigError, match="not valid YAML at line 1"):
        parse_service("name: [", source="service.yaml")
    with pytest.raises(ConfigError, match="must be a YAML mapping"):
        parse_service("- orders\n", source="service.yaml")


def test_a_folder_without_service_yaml_is_not_a_service(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"has no service\.yaml"):
        load_service(tmp_path)


@pytest.mark.parametrize("text", ["a: &x [*x]\n", "name: &x {a: *x}\n"])
def test_an_alias_inside_its_own_anchor_is_one_clear_error(text: str) -> None:
    with pytest.raises(ConfigError, match="alias inside the value it refers to"):
        parse_service(text, source="service.yaml")


def test_a_key_given_twice_is_a_problem_not_a_silent_override() -> None:
    problems = _problems(VALID.replace("port: 8000\n", "port: 8000\nport: 9000\n"))
    assert any(p.startswith("port: is given twice (first on line 3); keep one (line 4)") for p in problems), problems


def test_a_file_written_before_the_service_stack_fields_keeps_its_meaning() -> None:
    # VALID has no database, route, buckets, secrets or repository: the defaults are what such services were.
    manifest = parse_service(VALID, source="service.yaml")
    assert (manifest.database, manifest.route, manifest.buckets, manifest.secrets, manifest.repository) == (True, "public", [], ["app"], None)
    assert manifest.github_environment("prod") == "production", "the skeleton's workflow deploys prod from GitHub environment 'production'"
    assert manifest.github_environment("staging") == "staging"


def test_route_database_and_github_environment_override_per_environment() -> None:
    text = VALID.replace("  dev:\n", "  dev:\n    route: internal\n    database: false\n    github_environment: development\n", 1)
    manifest = parse_service(text + "buckets: [uploads]\nsecrets: [app, stripe]\nrepository: acme-shop/orders\n", source="service.yaml")
    dev, prod = manifest.for_environment("dev"), manifest.for_environment("prod")
    assert (dev.route, dev.database, prod.route, prod.database) == ("internal", False, "public", True)
    assert manifest.github_environment("dev") == "development"
    assert (manifest.buckets, manifest.secrets, manifest.repository) == (["uploads"], ["app", "stripe"], "acme-shop/orders")


@pytest.mark.parametrize(
    ("addition", "path"),
    [
        ("route: everywhere\n", "route"),
        ("buckets: [backups]\n", "buckets.0"),
        ("buckets: [uploads, uploads]\n", "buckets"),
        ("secrets: []\n", "secrets"),
        ("secrets: [Bad_Name]\n", "secrets.0"),
        ("repository: not-a-repo\n", "repository"),
        ("database: maybe\n", "database"),
    ],
)
def test_service_stack_fields_are_validated(addition: str, path: str) -> None:
    problems = _problems(VALID + addition)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:"), problems
