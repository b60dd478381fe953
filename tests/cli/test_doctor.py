"""`platformctl doctor` reports each tool with its fix, as a table or JSON, and exits 3 when one is missing."""

from __future__ import annotations

import json

import pytest

from platformctl.core.diagnostics import diagnose
from platformctl.errors import MissingToolError
from platformctl.wiring import Wiring
from tests.cli.runner import run


class FakeRunner:
    def __init__(self, present: dict[str, str]):
        self.present = present

    def which(self, name: str) -> str | None:
        return f"/usr/bin/{name}" if name in self.present else None

    def run(self, argv):
        return 0, self.present[argv[0]]


def _no_credentials() -> str:
    raise MissingToolError("No AWS credentials to read the caller identity.", hint="Set AWS_PROFILE.")


def test_all_present_is_healthy() -> None:
    runner = FakeRunner({"pulumi": "v3.230.0", "kubectl": "Client Version: v1.31.0", "docker": "Docker 27", "dot": "dot 2.43"})
    report = diagnose(runner=runner, identity=lambda: "arn:aws:iam::123456789012:user/ci", state_url="s3://acme-state?region=eu-west-1")
    assert report.healthy
    assert {c.name: c.status for c in report.checks} == {
        "python": "ok", "pulumi": "ok", "state backend": "ok", "aws region": "ok", "aws credentials": "ok", "kubectl": "ok", "docker": "ok", "dot": "ok",
    }


def test_an_old_pulumi_and_no_state_backend_block_in_the_words_up_uses() -> None:
    report = diagnose(runner=FakeRunner({"pulumi": "v3.140.0"}), identity=lambda: "arn:aws:iam::1:user/ci", state_url=None)
    by_name = {c.name: c for c in report.checks}
    assert by_name["pulumi"].detail == "The Pulumi CLI at /usr/bin/pulumi is 3.140.0; platformctl needs 3.229.0 or newer."
    assert "platformctl plan" in by_name["pulumi"].fix
    assert by_name["state backend"].status == "missing" and "platformctl bootstrap --env" in by_name["state backend"].fix
    no_region = {c.name: c for c in diagnose(runner=FakeRunner({}), identity=lambda: "x", state_url="s3://acme-state").checks}
    assert no_region["aws region"].status == "missing" and "AWS_REGION" in no_region["aws region"].fix


def test_missing_pulumi_and_credentials_block_with_fixes() -> None:
    report = diagnose(runner=FakeRunner({"kubectl": "v1.31"}), identity=_no_credentials)
    assert not report.healthy
    by_name = {c.name: c for c in report.checks}
    assert by_name["pulumi"].status == "missing" and "pulumi.com" in by_name["pulumi"].fix
    assert "or run `platformctl plan` for an offline plan" in by_name["pulumi"].fix
    assert by_name["aws credentials"].status == "missing" and "AWS_PROFILE" in by_name["aws credentials"].fix
    assert by_name["dot"].status == "missing" and not by_name["dot"].blocking


def test_doctor_json_and_exit_code(capsys) -> None:
    wiring = Wiring(runner=FakeRunner({"kubectl": "v1.31"}), aws_identity=_no_credentials)
    result = run(capsys, "doctor", "--json", wiring=wiring)
    assert result.code == 3
    doc = json.loads(result.stdout)
    assert doc["healthy"] is False
    assert {c["name"] for c in doc["checks"]} >= {"python", "pulumi", "state backend", "aws region", "aws credentials", "kubectl", "docker", "dot"}
    assert next(c for c in doc["checks"] if c["name"] == "aws credentials")["fix"] == "Set AWS_PROFILE."


@pytest.mark.integration
def test_sts_identity_against_moto_server(moto_endpoint) -> None:
    from platformctl.aws.identity import sts_identity

    assert sts_identity().startswith("arn:aws:")
