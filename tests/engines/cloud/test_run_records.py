"""Run records kept with the state: beside a file:// backend, and in the state bucket (moto in server mode) for s3://."""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.engines.cloud.run_records import FileRunRecords, S3RunRecords, run_records_for
from platformctl.errors import UsageError


def record(run_id: str, operation: str = "up") -> dict:
    return {"record_version": 1, "run_id": run_id, "operation": operation, "environment": "dev", "layers": []}


def test_file_records_sit_beside_the_state_and_latest_is_per_operation(tmp_path: Path) -> None:
    store = run_records_for(f"file://{tmp_path}")
    assert isinstance(store, FileRunRecords)
    assert store.latest("dev", "up") is None
    where = store.save(record("r1"))
    store.save(record("r2"))
    store.save(record("r3", "destroy"))
    assert where == str(tmp_path / ".platformctl" / "runs" / "dev" / "r1.json") and Path(where).is_file()
    assert store.latest("dev", "up")["run_id"] == "r2"
    assert store.latest("dev", "destroy")["run_id"] == "r3"
    assert not list((tmp_path / ".platformctl" / "runs" / "dev").glob(".record-*")), "no temporary file is left behind"


def test_other_backends_are_refused_with_the_fix() -> None:
    with pytest.raises(UsageError, match="must be s3://… or file://…"):
        run_records_for("https://api.pulumi.com")


@pytest.mark.integration
def test_s3_records_go_into_the_state_bucket(moto_endpoint) -> None:
    from platformctl.aws.session import client

    client("s3", region="eu-west-1").create_bucket(Bucket="acme-dev-pulumi-state-1", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    store = run_records_for("s3://acme-dev-pulumi-state-1?region=eu-west-1&awssdk=v2")
    assert isinstance(store, S3RunRecords) and store.region == "eu-west-1"
    assert store.latest("dev", "up") is None
    assert store.save(record("r1")) == "s3://acme-dev-pulumi-state-1/.platformctl/runs/dev/r1.json"
    store.save(record("r2"))
    assert store.latest("dev", "up")["run_id"] == "r2"
