"""The cloud engine through the real pulumi.automation code, against the stand-in Pulumi CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from platformctl.config.loader import load_platform
from platformctl.core.planning import layer_inputs
from platformctl.engines.base import Diagnostic, LayerFinished, LayerOperationError, LayerStarted, ResourceProgress, StackLockedError
from platformctl.engines.cloud.engine import CloudSettings, PulumiCloudEngine
from platformctl.errors import MissingToolError, UsageError
from platformctl.paths import stacks_dir
from platformctl.plan.model import SECRET_MARKER, UNKNOWN_PREFIX
from platformctl.system import SystemRunner

NETWORK = "platform-network"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"


@pytest.fixture
def network(tmp_path: Path):
    loaded = load_platform(None, cwd=tmp_path)
    return layer_inputs(loaded, "dev", ["network"])[0]


@pytest.fixture
def engine(pulumi_standin, tmp_path: Path) -> PulumiCloudEngine:
    settings = CloudSettings(backend_url=pulumi_standin.backend_url, stacks_dir=stacks_dir(), work_root=tmp_path / "runs")
    return PulumiCloudEngine(settings, runner=SystemRunner())


def test_up_runs_the_layer_in_its_own_folder_with_this_python_and_reports_events(engine, network, pulumi_standin, tmp_path) -> None:
    pulumi_standin.scenario({NETWORK: {"up": {
        "resources": [{"type": VPC, "name": "dev-vpc"}, {"type": SUBNET, "name": "dev-private-a", "warning": "AZ capacity is low"}],
        "outputs": {"vpcId": "vpc-123", "logsKeyArn": "arn:aws:kms:key/1"}, "secret_outputs": ["logsKeyArn"],
    }}})
    events: list = []
    result = engine.up(network, stack="dev", on_event=events.append)

    assert result.status == "succeeded"
    assert result.changes["create"] == 2
    assert result.outputs == {"logsKeyArn": SECRET_MARKER, "vpcId": "vpc-123"}, "a secret output must come back masked"
    assert isinstance(events[0], LayerStarted) and isinstance(events[-1], LayerFinished) and events[-1].resources == 2
    progress = [(e.type, e.state) for e in events if isinstance(e, ResourceProgress)]
    assert progress == [(VPC, "started"), (VPC, "done"), (SUBNET, "started"), (SUBNET, "done")]
    assert Diagnostic("network", "warning", "AZ capacity is low", f"urn:pulumi:dev::{NETWORK}::{SUBNET}::dev-private-a") in events

    operations = [c for c in pulumi_standin.calls() if c["argv"][0] == "up"]
    folder = Path(operations[0]["cwd"])
    assert folder.parent.parent == tmp_path / "runs" and folder.name == "network"
    assert "--event-log" in operations[0]["argv"] and operations[0]["env"]["PULUMI_BACKEND_URL"] == pulumi_standin.backend_url
    project = yaml.safe_load((folder / "Pulumi.yaml").read_text())
    assert project["name"] == NETWORK and project["main"] == "stacks/network/"
    assert project["runtime"]["options"]["virtualenv"] == sys.prefix, "the program must run on this installation's Python"
    assert (folder / "stacks" / "network" / "__main__.py").is_file() and (folder / "Pulumi.dev.yaml").is_file()
    assert not list(stacks_dir().rglob("Pulumi.dev.yaml")), "nothing may be written into the installed stacks"
    # What the Python language host will run: __main__.py's imports resolve inside the copy, on this Python.
    probe = "import runpy, stacks.network.program as p, stacks.outputs as o; print(p.__file__); print(o.__file__)"
    main_dir = folder / "stacks" / "network"
    code = f"import sys; sys.path.insert(0, {str(folder)!r}); {probe}"
    imported = subprocess.run([sys.executable, "-c", code], cwd=main_dir, capture_output=True, text=True, check=True).stdout.split()
    assert all(Path(path).is_relative_to(folder) for path in imported), imported
    config = next(c for c in pulumi_standin.calls() if c["argv"][:2] == ["config", "set-all"])["argv"]
    assert f"{NETWORK}:vpcCidr={network.config['vpcCidr']}" in config and f"aws:region={network.region}" in config


def test_a_failed_resource_becomes_the_layers_first_error_with_its_urn(engine, network, pulumi_standin) -> None:
    pulumi_standin.scenario({NETWORK: {"up": {"resources": [
        {"type": VPC, "name": "dev-vpc"},
        {"type": SUBNET, "name": "dev-private-a", "fail": "creating EC2 Subnet: InvalidSubnet.Conflict: the CIDR conflicts"},
    ]}}})
    with pytest.raises(LayerOperationError) as failure:
        engine.up(network, stack="dev")
    assert "InvalidSubnet.Conflict: the CIDR conflicts" in failure.value.message
    assert "<{%" not in failure.value.message, "colour directives are stripped"
    assert failure.value.urn == f"urn:pulumi:dev::{NETWORK}::{SUBNET}::dev-private-a"
    assert "--resume" in (failure.value.hint or "")


def test_a_held_lock_names_its_holder(engine, network, pulumi_standin) -> None:
    engine.up(network, stack="dev")
    pulumi_standin.lock(NETWORK, "dev", user="alice", host="ci-7", pid=4242)
    with pytest.raises(StackLockedError) as locked:
        engine.up(network, stack="dev")
    holder = locked.value.holders[0]
    assert (holder.user, holder.host, holder.pid, holder.acquired) == ("alice", "ci-7", 4242, "2026-12-04T09:00:00Z")
    assert "alice@ci-7 (pid 4242)" in locked.value.message
    assert "platformctl unlock --env dev --layer network" in (locked.value.hint or "")
    assert engine.state(network, stack="dev").locks == (holder,)
    engine.unlock(network, stack="dev")
    assert engine.state(network, stack="dev").locks == ()
    engine.up(network, stack="dev")  # the lock is gone


def test_a_missing_stack_is_a_sentence_not_a_traceback(engine, network) -> None:
    with pytest.raises(UsageError, match="does not exist in the state backend"):
        engine.outputs(network, stack="dev")
    assert engine.destroy(network, stack="dev").status == "unchanged"
    assert engine.state(network, stack="dev").exists is False


def test_unreadable_events_are_counted_not_lost(engine, network, pulumi_standin) -> None:
    pulumi_standin.scenario({NETWORK: {"up": {"resources": [{"type": VPC, "name": "dev-vpc"}], "raw_events": [
        "{this is not json",
        '{"sequence": 99, "timestamp": 0, "diagnosticEvent": {"message": "x", "severity": "shouting"}}',
    ]}}})
    result = engine.up(network, stack="dev")
    assert result.status == "succeeded" and result.changes["create"] == 1, "the readable events still arrive"
    assert result.unparsable_events == 1, "our translation counts the event it could not read"
    assert engine.sdk_parse_failures == 1, "the SDK's own parse failure is counted too"


def test_preview_becomes_a_plan_document_with_unknowns_kept_unknown(engine, network, pulumi_standin) -> None:
    pulumi_standin.scenario({NETWORK: {"preview": {"resources": [
        {"type": VPC, "name": "dev-vpc", "inputs": {"cidrBlock": "10.10.0.0/16", "tags": {"Name": "dev"}}},
        {"type": SUBNET, "name": "dev-private-a", "inputs": {"vpcId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "secretThing": "[secret]"}},
    ]}}})
    plan = engine.preview(network, stack="dev")
    assert [r.type for r in plan.resources] == [SUBNET, VPC]
    subnet = plan.resources[0]
    assert subnet.inputs["vpcId"].startswith(UNKNOWN_PREFIX) and subnet.inputs["secretThing"] == SECRET_MARKER
    assert plan.resources[1].inputs["cidrBlock"] == "10.10.0.0/16"
    assert plan.project == NETWORK and plan.stack == "dev"


def test_destroy_retains_protected_resources_unless_asked(engine, network, pulumi_standin) -> None:
    pulumi_standin.scenario({NETWORK: {"up": {"resources": [{"type": VPC, "name": "dev-vpc", "protect": True}, {"type": SUBNET, "name": "a"}]}}})
    engine.up(network, stack="dev")
    kept = engine.destroy(network, stack="dev")
    assert kept.retained == (f"urn:pulumi:dev::{NETWORK}::{VPC}::dev-vpc",) and kept.changes["delete"] == 1
    gone = engine.destroy(network, stack="dev", include_protected=True)
    assert gone.retained == () and gone.changes["delete"] == 1
    assert pulumi_standin.state(NETWORK, "dev")["resources"] == []


def test_drift_lists_what_changed_and_status_shows_pending_operations(engine, network, pulumi_standin) -> None:
    engine.up(network, stack="dev")
    pulumi_standin.scenario({NETWORK: {"drift": {"resources": [{"type": VPC, "name": "dev-vpc", "op": "update"}]}}})
    drift = engine.drift(network, stack="dev")
    assert drift.drifted == (f"update urn:pulumi:dev::{NETWORK}::{VPC}::dev-vpc",)
    state = pulumi_standin.state(NETWORK, "dev")
    state["pending_operations"] = [{"type": "creating", "resource": {"urn": "urn:pulumi:dev::x::aws:rds/instance:Instance::db"}}]
    pulumi_standin.set_state(NETWORK, "dev", state)
    status = engine.state(network, stack="dev")
    assert status.exists and status.last_result == "succeeded"
    assert status.pending_operations == ("creating urn:pulumi:dev::x::aws:rds/instance:Instance::db",)
    engine.refresh(network, stack="dev")
    assert engine.state(network, stack="dev").pending_operations == ()


def test_no_cli_and_an_old_cli_are_exit_3_with_the_way_out(tmp_path, monkeypatch, pulumi_standin) -> None:
    settings = CloudSettings(backend_url=pulumi_standin.backend_url, stacks_dir=stacks_dir(), work_root=tmp_path)
    monkeypatch.setenv("PULUMI_STANDIN_VERSION", "3.150.2")
    with pytest.raises(MissingToolError, match=r"is 3\.150\.2; platformctl needs 3\.229\.0 or newer") as old:
        PulumiCloudEngine(settings, runner=SystemRunner())
    assert "platformctl plan" in (old.value.hint or "")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(MissingToolError, match="The Pulumi CLI is not on PATH") as missing:
        PulumiCloudEngine(settings, runner=SystemRunner())
    assert "or run `platformctl plan` for an offline plan" in (missing.value.hint or "")


def test_run_folders_older_than_a_week_are_removed(pulumi_standin, tmp_path) -> None:
    import os
    import time

    old, recent = tmp_path / "runs" / "run-20261101T000000-1", tmp_path / "runs" / "run-20261203T000000-2"
    for folder in (old, recent):
        (folder / "network").mkdir(parents=True)
    week_and_a_day_ago = time.time() - 8 * 86400
    os.utime(old, (week_and_a_day_ago, week_and_a_day_ago))
    PulumiCloudEngine(CloudSettings(backend_url=pulumi_standin.backend_url, stacks_dir=stacks_dir(), work_root=tmp_path / "runs"),
                      runner=SystemRunner())
    assert not old.exists() and recent.exists()


def test_preview_and_up_run_the_crossguard_pack_with_the_environments_context(pulumi_standin, network, tmp_path) -> None:
    # The one rule set is enforced by the Pulumi engine too: the pack and the environment it judges reach the CLI.
    from platformctl.config.env_vars import POLICY_CONTEXT
    from platformctl.policies.crossguard import pack_path
    from platformctl.policies.crossguard.validators import context_from_env

    settings = CloudSettings(backend_url=pulumi_standin.backend_url, stacks_dir=stacks_dir(), work_root=tmp_path / "runs",
                             policy_packs=(str(pack_path()),))
    pulumi_standin.scenario({NETWORK: {"up": {"resources": [{"type": VPC, "name": "dev-vpc"}], "outputs": {"vpcId": "vpc-1"}}}})
    PulumiCloudEngine(settings, runner=SystemRunner()).up(network, stack="dev")
    (call,) = [c for c in pulumi_standin.calls() if c["argv"][0] == "up"]
    assert call["argv"][call["argv"].index("--policy-pack") + 1] == str(pack_path()), call["argv"]
    context = context_from_env(call["env"][POLICY_CONTEXT])
    assert (context.environment, context.production) == ("dev", False), context
