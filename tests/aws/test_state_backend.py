"""`platformctl bootstrap` against moto in server mode on 127.0.0.1 (AWS_ENDPOINT_URL): first run, second run, a weaker bucket."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platformctl.wiring import Wiring
from tests.cli.runner import run

pytestmark = pytest.mark.integration
ACCOUNT = "123456789012"  # moto's default account
BUCKET = f"acme-dev-pulumi-state-{ACCOUNT}"


@pytest.fixture
def wiring(moto_endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Wiring:
    monkeypatch.chdir(tmp_path)  # the built-in sample: organisation acme, primary region eu-west-1
    return Wiring()  # the real composition root: boto3 through AWS_ENDPOINT_URL, identity from moto's STS


def s3():
    from platformctl.aws.session import client

    return client("s3", region="eu-west-1")


def test_first_run_creates_a_hardened_bucket_and_rotating_keys(capsys, wiring) -> None:
    result = run(capsys, "bootstrap", "--env", "dev", "--json", wiring=wiring)
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["state_url"] == f"s3://{BUCKET}?region=eu-west-1&awssdk=v2"
    assert doc["secrets_provider"] == "awskms://alias/acme-dev-pulumi-secrets?region=eu-west-1"
    assert len(doc["created"]) == 3 and doc["weaker"] == []

    bucket = s3()
    assert bucket.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    rule = bucket.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert all(bucket.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"].values())
    policy = json.loads(bucket.get_bucket_policy(Bucket=BUCKET)["Policy"])
    assert policy["Statement"][0]["Effect"] == "Deny" and policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    rules = bucket.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    assert rules[0]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 90

    from platformctl.aws.session import client

    kms = client("kms", region="eu-west-1")
    for alias in ("alias/acme-dev-pulumi-state", "alias/acme-dev-pulumi-secrets"):
        key_id = kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"]
        assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"], f"{alias} must rotate"
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == kms.describe_key(KeyId="alias/acme-dev-pulumi-state")["KeyMetadata"]["Arn"]


def test_second_run_changes_nothing_and_says_so(capsys, wiring) -> None:
    assert run(capsys, "bootstrap", "--env", "dev", wiring=wiring).code == 0
    again = run(capsys, "bootstrap", "--env", "dev", wiring=wiring)
    assert again.code == 0
    assert "Nothing to change: the state backend was already in place." in again.stderr
    assert "created" not in again.stderr and again.stderr.count("unchanged") == 3
    assert f"export PLATFORMCTL_STATE_URL='s3://{BUCKET}?region=eu-west-1&awssdk=v2'" in again.stdout


def test_a_weaker_existing_bucket_is_reported_and_left_alone(capsys, wiring) -> None:
    bucket = s3()
    bucket.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    bucket.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    result = run(capsys, "bootstrap", "--env", "dev", "--json", wiring=wiring)
    assert result.code == 1
    weaker = json.loads(result.stdout)["weaker"]
    assert weaker == [f"S3 bucket {BUCKET}: {w}" for w in (
        "versioning is off", "not encrypted with SSE-KMS",
        "public access not fully blocked (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets off)",
        "no bucket policy refusing plain HTTP", "old versions never expire")]
    assert "left as it is" in result.stderr
    assert bucket.get_bucket_versioning(Bucket=BUCKET).get("Status") is None, "an existing bucket is never changed"
    assert bucket.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0][
        "ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_no_credentials_is_exit_3_naming_aws_profile(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = run(capsys, "bootstrap", "--env", "dev", wiring=Wiring())
    assert result.code == 3 and "AWS_PROFILE" in result.stderr and "Traceback" not in result.stderr
