"""The run display: the live table's rows (state, counts, resource in flight, last message) and the failed layer's panel."""

from __future__ import annotations

import io

from rich.console import Console

from platformctl.cli.run_view import RunView
from platformctl.core.run_events import LayerSettled, LockWaiting, RunNotice
from platformctl.core.run_record import LayerEntry, RunRecord
from platformctl.engines.base import Diagnostic, LayerStarted, LockHolder, ResourceProgress

VPC_URN = "urn:pulumi:dev::platform-network::aws:ec2/vpc:Vpc::dev-vpc"
NAT_URN = "urn:pulumi:dev::platform-network::aws:ec2/natGateway:NatGateway::dev-nat-a"


def terminal() -> Console:
    return Console(file=io.StringIO(), force_terminal=True, width=200, height=50, record=True, color_system=None)  # width and height: COLUMNS is 80 in tests


def test_the_live_table_shows_state_counts_the_resource_in_flight_and_the_last_message() -> None:
    stderr = terminal()
    view = RunView(stderr, mode="live", run_id="r1", operation="up", env="dev", now=lambda: 1_796_400_000.0)
    with view:
        view(LayerStarted("network", "up"))
        view(ResourceProgress("network", VPC_URN, "aws:ec2/vpc:Vpc", "create", "started"))
        view(ResourceProgress("network", VPC_URN, "aws:ec2/vpc:Vpc", "create", "done"))
        view(ResourceProgress("network", NAT_URN, "aws:ec2/natGateway:NatGateway", "create", "started"))
        view(Diagnostic("network", "warning", "NAT gateway still pending\nsecond line"))
        view(LockWaiting("cluster", (LockHolder("alice", "ci-7", 42, "2026-12-04T09:00:00Z"),), 0.0, 5.0))
    stderr.export_text()  # what Live drew while running
    stderr.print(view._table())
    text = stderr.export_text()
    row = next(line for line in text.splitlines() if "network" in line and "up" in line)
    assert "+1" in row and "create aws:ec2/natGateway:NatGateway dev-nat-a" in row and "warning: NAT gateway still pending" in row
    assert "second line" not in row, "one line per row"
    assert "lock held by alice@ci-7 (pid 42)" in next(line for line in text.splitlines() if "cluster" in line)


def test_a_failed_layer_expands_into_its_error_panel_in_a_terminal() -> None:
    stderr = terminal()
    view = RunView(stderr, mode="live", run_id="r1", operation="up", env="dev")
    view(RunNotice("hello"))
    record = RunRecord("r1", "up", "dev", "t0", "t1", [
        LayerEntry("network", "failed", "t0", "t1", reason="run error", error="creating VPC: VpcLimitExceeded", error_urn=VPC_URN),
        LayerEntry("cluster", "blocked", None, None, reason="ancestor error", cause="network"),
    ])
    view(LayerSettled("network", "failed", "run error", "creating VPC: VpcLimitExceeded", VPC_URN))
    view.summary(record, "file:///state/r1.json")
    text = stderr.export_text()
    assert "up dev: 0 succeeded, 0 unchanged, 1 failed, 1 blocked, 0 cancelled (run r1)." in text
    assert "network failed" in text and f"resource: {VPC_URN}" in text, "the panel carries the error and its resource"
    assert "blocked cluster (ancestor error: network)" in text
    assert "Run record: file:///state/r1.json" in text
