"""The plan as `terraform show -json`: types and attributes mapped, unknowns and secrets marked, references kept;
and checkov reads the prod export with no parsing error and no failure outside the accepted list."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from platformctl.plan.model import Plan
from platformctl.plan.terraform_export import terraform_plan
from platformctl.plan.terraform_types import terraform_attribute, terraform_type

ACCEPTED = Path(__file__).parents[2] / "platformctl" / "policies" / "checkov_accepted_skips.yaml"


@pytest.fixture(scope="module")
def exported(full_plan: Callable[[str], Plan]) -> dict[str, Any]:
    return terraform_plan(full_plan("prod"))


def change(document: dict[str, Any], address: str) -> dict[str, Any]:
    found = [c for c in document["resource_changes"] if c["address"] == address]
    assert len(found) == 1, f"{address} is not exported once"
    return found[0]["change"]


@pytest.mark.parametrize(("token", "expected"), [
    ("aws:rds/instance:Instance", "aws_db_instance"),
    ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws_s3_bucket_server_side_encryption_configuration"),
    ("aws:ec2/vpc:Vpc", "aws_vpc"),
    ("aws:ec2/flowLog:FlowLog", "aws_flow_log"),
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws_vpc_security_group_ingress_rule"),
    ("aws:wafv2/webAcl:WebAcl", "aws_wafv2_web_acl"),
    ("aws:opensearch/domain:Domain", "aws_opensearch_domain"),
    ("kubernetes:core/v1:Namespace", None),
    ("platform:data:SecureBucket", None),
])
def test_type_tokens_map_to_terraform_types(token: str, expected: str | None) -> None:
    assert terraform_type(token) == expected


def test_attributes_are_snake_case_and_plural_blocks_singular() -> None:
    assert terraform_attribute("aws_db_instance", "backupRetentionPeriod") == "backup_retention_period"
    assert terraform_attribute("aws_s3_bucket_server_side_encryption_configuration", "rules") == "rule"
    assert terraform_attribute("aws_route53_record", "aliases") == "alias"
    assert terraform_attribute("aws_cloudfront_distribution", "aliases") == "aliases"


def test_every_aws_resource_is_exported_once_and_nothing_else(exported: dict[str, Any], full_plan: Callable[[str], Plan]) -> None:
    aws = [r for r in full_plan("prod").resources() if r.custom and r.type.startswith("aws:")]
    addresses = [c["address"] for c in exported["resource_changes"]]
    assert len(addresses) == len(set(addresses)) == len(aws)
    assert len(exported["planned_values"]["root_module"]["resources"]) == len(aws) == len(exported["configuration"]["root_module"]["resources"])
    assert all(c["change"]["actions"] == ["create"] and c["change"]["before"] is None for c in exported["resource_changes"])


def test_values_unknowns_and_blocks(exported: dict[str, Any]) -> None:
    database = change(exported, "aws_db_instance.postgres-primary")
    assert database["after"]["backup_retention_period"] == 30 and database["after"]["multi_az"] is True
    assert database["after"]["kms_key_id"] is None and database["after_unknown"]["kms_key_id"] is True, "a reference is unknown, not made up"
    sse = change(exported, "aws_s3_bucket_server_side_encryption_configuration.buckets-uploads-encryption")
    assert sse["after"]["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms", "nested objects become block lists"
    assert sse["after_unknown"]["bucket"] is True
    tags = change(exported, "aws_s3_bucket.buckets-uploads-bucket")["after"]["tags"]
    assert tags["managed-by"] == "platformctl", "tags stay a map with their keys untouched"


def test_secrets_are_sensitive_and_never_exported(exported: dict[str, Any]) -> None:
    secret = change(exported, "aws_secretsmanager_secret_version.redis-connection-value")
    assert secret["after"]["secret_string"] is None and secret["after_sensitive"] == {"secret_string": True}
    assert "[secret]" not in json.dumps(exported)


def test_references_connect_resources_for_graph_checks(exported: dict[str, Any]) -> None:
    configured = {r["address"]: r for r in exported["configuration"]["root_module"]["resources"]}
    sse = configured["aws_s3_bucket_server_side_encryption_configuration.buckets-uploads-encryption"]
    assert sse["expressions"]["bucket"]["references"] == ["aws_s3_bucket.buckets-uploads-bucket.id", "aws_s3_bucket.buckets-uploads-bucket"]
    replication = configured["aws_s3_bucket_replication_configuration.dr-s3-replication-assets"]
    assert "aws_s3_bucket.buckets-assets-bucket" in replication["expressions"]["bucket"]["references"], "a bucket named by its physical name is referenced"
    flow = configured["aws_flow_log.acme-prod-flow-flow-log"]
    assert "aws_vpc.acme-prod-vpc" in flow["expressions"]["vpc_id"]["references"]


def _checkov() -> str:
    binary = os.environ.get("CHECKOV_BIN", "")
    if binary and Path(binary).is_file():
        return binary
    if os.environ.get("CI"):
        pytest.fail("CHECKOV_BIN is not set to a checkov executable: CI must run scripts/test.sh, which installs checkov in .venv-checkov")
    pytest.skip("checkov is not installed here: run scripts/test.sh (it installs checkov in .venv-checkov and sets CHECKOV_BIN)")


def test_checkov_reads_the_prod_export_and_fails_only_accepted_checks(exported: dict[str, Any], tmp_path: Path) -> None:
    checkov = _checkov()
    path = tmp_path / "prod.tfplan.json"
    path.write_text(json.dumps(exported))
    run = subprocess.run(
        [checkov, "-f", str(path), "--framework", "terraform_plan", "--skip-download", "-o", "json", "--quiet", "--compact"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert run.returncode in (0, 1), f"checkov crashed ({run.returncode}): {run.stderr[-2000:]}"
    report = json.loads(run.stdout)
    report = report[0] if isinstance(report, list) else report
    summary = report["summary"]
    assert summary["parsing_errors"] == 0, f"checkov could not parse the export: {summary}"
    count = len(exported["resource_changes"])
    assert summary["resource_count"] == count, f"checkov saw {summary['resource_count']} resources of {count}"
    assert summary["passed"] > 500, "checkov must have run its checks on the resources"
    accepted = yaml.safe_load(ACCEPTED.read_text())
    failed = {(f["check_id"], f["resource"]) for f in report["results"]["failed_checks"]}
    unexpected = sorted(f for f in failed if f[1] not in accepted.get(f[0], {}).get("resources", []))
    assert not unexpected, "checkov failures that are not accepted (fix the stack, or accept with a reason in checkov_accepted_skips.yaml):\n" + "\n".join(
        f"{check} {resource}" for check, resource in unexpected
    )
    stale = sorted((check, r) for check, entry in accepted.items() for r in entry["resources"] if (check, r) not in failed)
    assert not stale, f"accepted skips that no longer fail: remove them from {ACCEPTED.name}: {stale}"
    assert all(len(entry["reason"]) > 40 for entry in accepted.values()), "every accepted skip says why"
