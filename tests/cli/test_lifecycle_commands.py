"""The lifecycle commands end to end: main() -> core -> the real cloud engine -> pulumi.automation -> the stand-in Pulumi CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from platformctl.config.settings import Settings
from platformctl.errors import MissingToolError
from platformctl.wiring import Wiring
from tests.cli.runner import run
from tests.core.lifecycle_fakes import FakeClock

VPC = "aws:ec2/vpc:Vpc"
NETWORK_URN = "urn:pulumi:dev::platform-network::aws:ec2/vpc:Vpc::dev-vpc"


@pytest.fixture
def wiring(pulumi_standin, tmp_path: Path) -> Wiring:
    settings = Settings(state_url=pulumi_standin.backend_url, work_dir=tmp_path / "runs")
    return Wiring(settings_factory=lambda: settings, aws_identity=lambda: "arn:aws:iam::123456789012:user/ci", clock=FakeClock())


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no platform.yaml here: the built-in sample


def network_plays(pulumi_standin, *, fail: str | None = None) -> None:
    vpc = {"type": VPC, "name": "dev-vpc", **({"fail": fail} if fail else {})}
    pulumi_standin.scenario({
        "platform-network": {"up": {"resources": [vpc], "outputs": {"vpcId": "vpc-1", "logsKeyArn": "arn:k"}, "secret_outputs": ["logsKeyArn"]},
                             "preview": {"resources": [{"type": VPC, "name": "dev-vpc", "inputs": {"cidrBlock": "10.10.0.0/16"}}]}},
        "platform-cluster": {"up": {"resources": [{"type": "aws:eks/cluster:Cluster", "name": "dev"}]}},
        "platform-identity": {"up": {"resources": [{"type": "aws:cognito/userPool:UserPool", "name": "users"}]}},
    })


def test_up_applies_layers_prints_lines_and_keeps_a_record_beside_the_state(capsys, wiring, pulumi_standin, tmp_path) -> None:
    network_plays(pulumi_standin)
    result = run(capsys, "up", "--env", "dev", "--layer", "network", "--layer", "identity", "--yes", "--report-file", str(tmp_path / "r.csv"),
                 wiring=wiring)
    assert result.code == 0, result.stderr
    assert f"[network] created {VPC} dev-vpc" in result.stderr
    assert "[identity] succeeded (1 created)" in result.stderr
    assert "up dev: 2 succeeded, 0 unchanged, 0 failed, 0 blocked, 0 cancelled" in result.stderr
    assert result.stdout == "", "progress goes to stderr; stdout is data"
    record = json.loads((pulumi_standin.root / "state" / ".platformctl" / "runs" / "dev" / "latest-up.json").read_text())
    assert {layer["name"]: layer["status"] for layer in record["layers"]} == {"network": "succeeded", "identity": "succeeded"}
    assert record["layers"][0]["outputs_digest"], "the record keeps a digest of each layer's outputs"
    rows = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text())))
    assert list(rows[0]) == ["Name", "Started", "Ended", "Result", "Reason", "Cause"] and rows[0]["Result"] == "succeeded"


def test_a_failed_layer_blocks_its_dependent_then_resume_reruns_just_those(capsys, wiring, pulumi_standin) -> None:
    network_plays(pulumi_standin, fail="creating EC2 VPC: VpcLimitExceeded: The maximum number of VPCs has been reached.")
    failed = run(capsys, "up", "--env", "dev", "--layer", "network", "--layer", "cluster", "--layer", "identity", "--yes", wiring=wiring)
    assert failed.code == 1
    assert "failed  network: pulumi up of layer network (stack dev) failed: creating EC2 VPC: VpcLimitExceeded" in failed.stderr
    assert f"resource: {NETWORK_URN}" in failed.stderr
    assert "blocked cluster (ancestor error: network)" in failed.stderr
    assert "--resume" in failed.stderr and "Traceback" not in failed.stderr
    network_plays(pulumi_standin)
    resumed = run(capsys, "up", "--env", "dev", "--resume", "--yes", "--json", wiring=wiring)
    assert resumed.code == 0, resumed.stderr
    lines = [json.loads(line) for line in resumed.stdout.splitlines()]
    assert len({line["run_id"] for line in lines}) == 1, "every event carries the run id"
    assert lines[-1]["event"] == "RunRecord"
    assert {layer["name"] for layer in lines[-1]["record"]["layers"]} == {"network", "cluster"}, "identity succeeded: not rerun"
    assert any(line["event"] == "ResourceProgress" and line["layer"] == "cluster" for line in lines)


def test_a_held_lock_is_shown_waited_for_and_then_fails_clearly(capsys, wiring, pulumi_standin) -> None:
    network_plays(pulumi_standin)
    assert run(capsys, "up", "--env", "dev", "--layer", "network", "--yes", wiring=wiring).code == 0
    pulumi_standin.lock("platform-network", "dev", user="alice", host="ci-7", pid=4242)
    result = run(capsys, "up", "--env", "dev", "--layer", "network", "--yes", "--wait-for-lock", "20s", wiring=wiring)
    assert result.code == 1
    assert ("[network] waiting for the stack's lock, held by alice@ci-7 (pid 4242) since 2026-12-04T09:00:00Z, 3h00m ago: "
            "retrying in 5s (waited 0s)") in result.stderr
    assert "after waiting 15s" in result.stderr
    status = run(capsys, "status", "--env", "dev", "--layer", "network", "--json", wiring=wiring)
    assert json.loads(status.stdout)["layers"][0]["locks"] == ["held by alice@ci-7 (pid 4242) since 2026-12-04T09:00:00Z, 3h00m ago"]
    assert run(capsys, "unlock", "--env", "dev", "--layer", "network", wiring=wiring).code == 2, "no terminal and no --yes: refused"
    unlocked = run(capsys, "unlock", "--env", "dev", "--layer", "network", "--yes", wiring=wiring)
    assert unlocked.code == 0 and "Removed the lock of network in dev" in unlocked.stderr


def test_outputs_are_masked_unless_asked(capsys, wiring, pulumi_standin) -> None:
    network_plays(pulumi_standin)
    run(capsys, "up", "--env", "dev", "--layer", "network", "--yes", wiring=wiring)
    masked = json.loads(run(capsys, "outputs", "--env", "dev", "--json", wiring=wiring).stdout)
    assert masked["outputs"] == {"network": {"logsKeyArn": "[secret]", "vpcId": "vpc-1"}}
    shown = json.loads(run(capsys, "outputs", "--env", "dev", "--layer", "network", "--json", "--show-secrets", wiring=wiring).stdout)
    assert shown["outputs"]["network"]["logsKeyArn"] == "arn:k"


def test_preview_writes_the_plan_document(capsys, wiring, pulumi_standin) -> None:
    network_plays(pulumi_standin)
    result = run(capsys, "preview", "--env", "dev", "--layer", "network", "--json", wiring=wiring)
    assert result.code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["schema_version"] == 1 and plan["environment"] == "dev"
    assert plan["layers"][0]["resources"][0]["inputs"] == {"cidrBlock": "10.10.0.0/16"}


def test_destroy_asks_then_retains_protected_resources(capsys, wiring, pulumi_standin) -> None:
    pulumi_standin.scenario({"platform-network": {"up": {"resources": [{"type": VPC, "name": "dev-vpc", "protect": True},
                                                                      {"type": "aws:ec2/subnet:Subnet", "name": "a"}]}}})
    run(capsys, "up", "--env", "dev", "--layer", "network", "--yes", wiring=wiring)
    refused = run(capsys, "destroy", "--env", "dev", "--layer", "network", wiring=wiring)
    assert refused.code == 2 and "--yes" in refused.stderr
    result = run(capsys, "destroy", "--env", "dev", "--layer", "network", "--yes", wiring=wiring)
    assert result.code == 0, result.stderr
    assert f"retained (protected) {NETWORK_URN}" in result.stderr


def test_drift_exits_5_and_names_what_drifted(capsys, wiring, pulumi_standin) -> None:
    network_plays(pulumi_standin)
    run(capsys, "up", "--env", "dev", "--layer", "network", "--yes", wiring=wiring)
    clean = run(capsys, "drift", "--env", "dev", "--layer", "network", wiring=wiring)
    assert clean.code == 0 and "No drift" in clean.stderr
    pulumi_standin.scenario({"platform-network": {"drift": {"resources": [{"type": VPC, "name": "dev-vpc", "op": "update"}]}}})
    drifted = run(capsys, "drift", "--env", "dev", "--layer", "network", wiring=wiring)
    assert drifted.code == 5
    assert f"drifted network: update {NETWORK_URN}" in drifted.stderr


def test_missing_prerequisites_exit_3_with_the_fix_and_no_traceback(capsys, pulumi_standin, tmp_path, monkeypatch) -> None:
    identity = lambda: "arn:aws:iam::1:user/ci"  # noqa: E731
    no_backend = Wiring(settings_factory=lambda: Settings(state_url=None), aws_identity=identity)
    result = run(capsys, "up", "--env", "dev", "--yes", wiring=no_backend)
    assert result.code == 3 and "No state backend is configured" in result.stderr and "platformctl bootstrap --env dev" in result.stderr

    def no_credentials() -> str:
        raise MissingToolError("No AWS credentials to read the caller identity.", hint="Set AWS_PROFILE (and run `aws sso login`).")

    with_backend = Settings(state_url=pulumi_standin.backend_url)
    result = run(capsys, "up", "--env", "dev", "--yes", wiring=Wiring(settings_factory=lambda: with_backend, aws_identity=no_credentials))
    assert result.code == 3 and "No AWS credentials" in result.stderr and "AWS_PROFILE" in result.stderr

    monkeypatch.setenv("PULUMI_STANDIN_VERSION", "3.100.0")
    result = run(capsys, "drift", "--env", "dev", wiring=Wiring(settings_factory=lambda: with_backend, aws_identity=identity))
    assert result.code == 3 and "needs 3.229.0 or newer" in result.stderr

    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    result = run(capsys, "preview", "--env", "dev", wiring=Wiring(settings_factory=lambda: with_backend, aws_identity=identity))
    assert result.code == 3 and "The Pulumi CLI is not on PATH" in result.stderr and "or run `platformctl plan` for an offline plan" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_input_is_exit_2(capsys, wiring) -> None:
    assert run(capsys, "up", "--env", "nowhere", "--yes", wiring=wiring).code == 2
    assert run(capsys, "up", "--env", "dev", "--layer", "nope", "--yes", wiring=wiring).code == 2
    bad = run(capsys, "up", "--env", "dev", "--yes", "--wait-for-lock", "soon", wiring=wiring)
    assert bad.code == 2 and "--wait-for-lock takes a duration" in bad.stderr


def test_up_with_layer_lists_stale_readers_and_dependents_pulls_them_in(capsys, wiring, pulumi_standin) -> None:
    network_plays(pulumi_standin)
    assert run(capsys, "up", "--env", "dev", "--layer", "network", "--layer", "cluster", "--yes", wiring=wiring).code == 0
    plays = {"platform-network": {"up": {"resources": [{"type": VPC, "name": "dev-vpc", "op": "update"}], "outputs": {"vpcId": "vpc-2"}}}}
    pulumi_standin.scenario(plays)
    listed = run(capsys, "up", "--env", "dev", "--layer", "network", "--yes", wiring=wiring)
    assert listed.code == 0
    assert "[network] network's outputs changed: cluster now read stale values (`platformctl up --env dev --layer cluster`)" in listed.stderr
    assert "Stale: cluster read outputs that changed in this run." in listed.stderr
    plays["platform-network"]["up"]["outputs"] = {"vpcId": "vpc-3"}
    pulumi_standin.scenario(plays)
    pulled = run(capsys, "up", "--env", "dev", "--layer", "network", "--yes", "--dependents", wiring=wiring)
    assert pulled.code == 0 and "pulling in cluster, which read them" in pulled.stderr
    assert "[cluster] succeeded" in pulled.stderr or "[cluster] unchanged" in pulled.stderr
