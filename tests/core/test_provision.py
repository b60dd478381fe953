"""`up` over the layer graph against a fake engine: order, overlap, failures, fail-fast, resume, stale dependents, locks, Ctrl-C."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from platformctl.core.layer_runs import RunContext
from platformctl.core.provision import UpRequest, provision
from platformctl.core.run_events import LayerSettled, LockWaiting, RunNotice
from platformctl.core.scheduler import CancelSignal
from platformctl.engines.base import LockHolder, StackLockedError
from platformctl.engines.layers import layer_table
from platformctl.errors import UsageError
from tests.core.lifecycle_fakes import FakeClock, FakeEngine, MemoryRecords, fail

ALL = [d.name for d in layer_table()]


@pytest.fixture
def world(tmp_path: Path):
    engine, clock, records, cancel, events = FakeEngine(), FakeClock(), MemoryRecords(), CancelSignal(), []
    lock = threading.Lock()

    def on_event(event) -> None:
        with lock:
            events.append(event)

    context = RunContext(records=records, clock=clock, cancel=cancel, on_event=on_event)

    def up(**kwargs):
        confirm = kwargs.pop("confirm", lambda _p: True)
        request = UpRequest(env="dev", cwd=tmp_path, preview_first=kwargs.pop("preview_first", False), **kwargs)
        return provision(request, engine=engine, context=context, confirm=confirm)

    return engine, clock, records, cancel, events, up


def statuses(outcome) -> dict[str, str]:
    return {entry.name: entry.status for entry in outcome.run.record.layers}


def test_every_layer_starts_only_after_its_dependencies_finished(world) -> None:
    engine, _clock, records, _cancel, _events, up = world
    outcome = up()
    assert set(statuses(outcome).values()) == {"succeeded"}
    when = {(kind, name): i for i, (kind, _op, name) in enumerate(engine.timeline)}
    for definition in layer_table():
        for dependency in definition.depends_on:
            assert when[("end", dependency.value)] < when[("start", definition.name)], f"{definition.name} started before {dependency.value} finished"
    assert records.saved[-1]["operation"] == "up" and len(records.saved[-1]["layers"]) == len(ALL)


def test_two_independent_layers_run_at_the_same_time(world) -> None:
    engine, _clock, _records, _cancel, _events, up = world
    both_running = threading.Barrier(2, timeout=10)  # breaks (and fails both) unless network and identity overlap
    engine.hooks[("up", "network")] = lambda _l: both_running.wait()
    engine.hooks[("up", "identity")] = lambda _l: both_running.wait()
    outcome = up(layers=("network", "identity"), parallel=3)
    assert statuses(outcome) == {"network": "succeeded", "identity": "succeeded"}


def test_parallel_caps_how_many_layers_run_at_once(world) -> None:
    engine, _clock, _records, _cancel, _events, up = world
    running, peak, lock = [0], [0], threading.Lock()
    release = threading.Event()

    def track(_layer) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            if peak[0] >= 2:
                release.set()
        release.wait(timeout=2)
        with lock:
            running[0] -= 1

    for name in ("network", "identity", "messaging", "backup"):
        engine.hooks[("up", name)] = track
    up(layers=("network", "identity", "messaging", "backup"), parallel=2)
    assert peak[0] == 2


def test_a_failed_layer_blocks_its_dependents_and_independent_layers_finish(world) -> None:
    engine, _clock, _records, _cancel, _events, up = world
    engine.hooks[("up", "cluster")] = fail("creating EKS Cluster: AccessDenied", urn="urn:pulumi:dev::platform-cluster::aws:eks/cluster:Cluster::dev")
    outcome = up()
    result = statuses(outcome)
    assert result["cluster"] == "failed"
    assert {name for name, status in result.items() if status == "blocked"} == {"addons", "data", "edge", "dr"}
    assert {name for name, status in result.items() if status == "succeeded"} == {"network", "identity", "messaging", "backup"}
    cluster = outcome.run.record.layer("cluster")
    assert cluster.error == "creating EKS Cluster: AccessDenied" and cluster.error_urn.endswith("aws:eks/cluster:Cluster::dev")
    assert outcome.run.record.layer("edge").cause == "cluster", "a blocked layer names the failure that blocked it"
    assert outcome.run.record.failed
    assert ("up", "addons") not in engine.calls


def test_fail_fast_starts_nothing_after_a_failure(world) -> None:
    engine, _clock, _records, _cancel, _events, up = world
    engine.hooks[("up", "network")] = fail("boom")
    outcome = up(fail_fast=True, parallel=1)
    assert engine.calls == [("up", "network")]
    result = statuses(outcome)
    assert result["network"] == "failed" and result["identity"] == "cancelled" and result["cluster"] == "blocked"


def test_resume_reruns_only_the_failed_and_blocked_layers(world) -> None:
    engine, _clock, _records, _cancel, _events, up = world
    engine.hooks[("up", "data")] = fail("RDS quota")
    first = up()
    assert statuses(first)["data"] == "failed"
    del engine.hooks[("up", "data")]
    engine.calls.clear()
    second = up(resume=True)
    # data failed; edge, addons (the public entry reads data and edge) and dr were blocked behind it.
    assert sorted(name for _op, name in engine.calls) == ["addons", "data", "dr", "edge"]
    assert set(statuses(second)) == {"data", "edge", "addons", "dr"} and set(statuses(second).values()) == {"succeeded"}
    engine.calls.clear()
    assert up(resume=True).nothing_to_resume and engine.calls == []


def test_resume_without_an_earlier_run_says_so(world) -> None:
    *_, up = world
    with pytest.raises(UsageError, match="no earlier run of `up` for dev"):
        up(resume=True)


def test_changed_outputs_pull_their_readers_into_the_run(world) -> None:
    engine, _clock, _records, _cancel, events, up = world
    engine.existing.update({"network", "cluster", "addons", "data"})
    engine.outputs_by_layer["network"] = {"vpcId": "vpc-1"}
    engine.next_outputs["network"] = {"vpcId": "vpc-2"}
    outcome = up(layers=("network",))
    assert set(statuses(outcome)) == {"network", "cluster", "addons", "data"}, "direct readers of network's outputs are pulled in"
    assert outcome.run.record.layer("cluster").reason == "pulled in: network's outputs changed"
    assert any(isinstance(e, RunNotice) and "pulling in cluster, data, addons" in e.message for e in events), "in table order"


def test_unchanged_outputs_pull_nothing_in_and_no_pull_only_reports_stale_readers(world) -> None:
    engine, _clock, _records, _cancel, _events, up = world
    engine.existing.update({"network", "cluster", "addons", "data"})
    engine.outputs_by_layer["network"] = {"vpcId": "vpc-1"}
    assert set(statuses(up(layers=("network",)))) == {"network"}
    engine.next_outputs["network"] = {"vpcId": "vpc-3"}
    outcome = up(layers=("network",), pull_stale=False)
    assert set(statuses(outcome)) == {"network"}
    assert outcome.run.record.stale_dependents == ["addons", "cluster", "data"]


def test_a_new_layer_pulls_in_no_reader_that_does_not_exist_yet(world) -> None:
    engine, *_rest, up = world
    assert set(statuses(up(layers=("network",)))) == {"network"}
    assert engine.calls == [("up", "network")]


def test_a_held_lock_is_waited_for_with_backoff_then_taken(world) -> None:
    engine, clock, _records, _cancel, events, up = world
    holder = LockHolder("alice", "ci-7", 4242, "2026-12-04T09:00:00Z")
    attempts = [0]

    def locked_twice(_layer) -> None:
        attempts[0] += 1
        if attempts[0] <= 2:
            raise StackLockedError("Another update holds the lock of layer network.", holders=[holder])

    engine.hooks[("up", "network")] = locked_twice
    outcome = up(layers=("network",), wait_for_lock=60)
    assert statuses(outcome) == {"network": "succeeded"}
    assert clock.sleeps == [5.0, 10.0]
    waits = [e for e in events if isinstance(e, LockWaiting)]
    assert [w.retry_in for w in waits] == [5.0, 10.0] and waits[0].holders == (holder,)


def test_a_lock_held_past_the_wait_fails_clearly(world) -> None:
    engine, clock, _records, _cancel, _events, up = world

    def always_locked(_layer) -> None:
        raise StackLockedError("Another update holds the lock of layer network: held by alice@ci-7 (pid 4242).")

    engine.hooks[("up", "network")] = always_locked
    outcome = up(layers=("network",), wait_for_lock=20)
    entry = outcome.run.record.layer("network")
    assert entry.status == "failed" and entry.reason == "lock held"
    assert "alice@ci-7" in entry.error and "after waiting 15s" in entry.error
    assert clock.sleeps == [5.0, 10.0]


def test_first_ctrl_c_lets_in_flight_layers_finish_and_starts_nothing_new(world) -> None:
    engine, _clock, _records, cancel, events, up = world

    def interrupted(_layer) -> None:
        cancel.request()
        for _ in range(100):  # stay in flight until the run has noticed (bounded: 5 s)
            if any(isinstance(e, RunNotice) for e in list(events)):
                return
            threading.Event().wait(0.05)

    engine.hooks[("up", "network")] = interrupted
    outcome = up(parallel=1)
    result = statuses(outcome)
    assert result["network"] == "succeeded", "the layer in flight finishes"
    assert engine.calls == [("up", "network")]
    assert {s for name, s in result.items() if name != "network"} == {"cancelled"}
    assert outcome.run.record.interrupted
    assert any(isinstance(e, RunNotice) and e.message.startswith("Stopping after the operations in flight (network)") for e in events)


def test_second_ctrl_c_abandons_what_is_in_flight_and_warns(world) -> None:
    engine, _clock, _records, cancel, events, up = world
    release = threading.Event()

    def interrupted_twice(_layer) -> None:
        cancel.request()
        cancel.request()
        release.wait(timeout=5)

    engine.hooks[("up", "network")] = interrupted_twice
    outcome = up(parallel=1)
    release.set()
    assert statuses(outcome)["network"] == "cancelled"
    assert outcome.run.record.layer("network").reason == "abandoned"
    assert any(isinstance(e, RunNotice) and "may be orphaned" in e.message for e in events)


def test_pending_operations_are_refreshed_first_and_said_so(world) -> None:
    engine, _clock, _records, _cancel, events, up = world
    engine.existing.add("network")
    engine.pending["network"] = ("creating urn:pulumi:dev::platform-network::aws:ec2/natGateway:NatGateway::a",)
    up(layers=("network",))
    assert engine.calls == [("refresh", "network"), ("up", "network")]
    assert any(isinstance(e, RunNotice) and "refreshing network first" in e.message for e in events)


def test_preview_defers_layers_whose_upstream_changes_and_a_no_applies_nothing(world) -> None:
    engine, _clock, records, _cancel, _events, up = world
    engine.changes["network"] = {"create": 40}
    engine.changes["identity"] = {}
    shown = []
    outcome = up(layers=("network", "identity", "cluster"), preview_first=True, confirm=lambda previews: shown.extend(previews) or False)
    assert outcome.run is None and not [c for c in engine.calls if c[0] == "up"] and not records.saved
    by_layer = {p.layer: p for p in shown}
    assert by_layer["network"].changes == {"create": 40}
    assert by_layer["identity"].changes == {} and by_layer["cluster"].deferred_until == "network"
    assert ("preview", "cluster") not in engine.calls


def test_settled_events_come_once_per_layer(world) -> None:
    engine, _clock, _records, _cancel, events, up = world
    engine.hooks[("up", "network")] = fail("x")
    up()
    settled = [e.layer for e in events if isinstance(e, LayerSettled)]
    assert sorted(settled) == sorted(ALL)
