"""service.yaml's deploy fields have defaults (older files stay valid), and the names shared with the service stack are fixed."""

from __future__ import annotations

import pytest

from platformctl.config import service_names as names
from platformctl.config.service_file import parse_service
from platformctl.errors import ConfigError

MINIMAL = "name: orders\nowner: team-a\nskeleton_version: 1.0.0\n"


def test_a_file_from_before_deploy_still_validates_with_defaults() -> None:
    manifest = parse_service(MINIMAL, source="service.yaml")
    assert manifest.namespace is None and manifest.deploy.progress_deadline_seconds == 300
    assert manifest.deploy.ephemeral_storage == "256Mi" and manifest.verify.error_rate_percent == 1.0


def test_deploy_fields_are_checked() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_service(MINIMAL + "deploy: {ephemeral_storage: lots, progress_deadline_seconds: 5}\nverify: {p99_ms: 0}\n", source="service.yaml")
    text = "\n".join(caught.value.details)
    assert "deploy.ephemeral_storage" in text and "deploy.progress_deadline_seconds" in text and "verify.p99_ms" in text


def test_the_names_the_service_stack_and_deploy_share() -> None:
    assert names.pod_role_name("acme", "prod", "orders") == "acme-prod-orders"
    assert names.pod_role_arn("123456789012", "acme", "prod", "orders") == "arn:aws:iam::123456789012:role/acme-prod-orders"
    assert names.ecr_repository("acme", "orders") == "acme/orders"
    assert names.secret_name("acme", "prod", "orders") == "acme/prod/orders/app"
    assert names.cluster_name("acme", "prod") == "acme-prod"
    assert names.namespace("orders") == "orders" and names.lease_name("orders") == "platformctl-deploy-orders"
