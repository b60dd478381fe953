"""destroy, refresh and drift over the layer graph against the fake engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.core.layer_runs import RunContext
from platformctl.core.lifecycle import GraphRequest, destroy_platform, detect_drift, refresh_platform
from platformctl.core.provision import UpRequest, provision
from platformctl.core.scheduler import CancelSignal
from platformctl.engines.layers import layer_table
from platformctl.errors import UsageError
from tests.core.lifecycle_fakes import FakeClock, FakeEngine, MemoryRecords


@pytest.fixture
def world(tmp_path: Path):
    engine = FakeEngine()
    context = RunContext(records=MemoryRecords(), clock=FakeClock(), cancel=CancelSignal(), on_event=lambda _e: None)
    return engine, context, tmp_path


def test_destroy_goes_in_reverse_dependency_order(world) -> None:
    engine, context, cwd = world
    outcome = destroy_platform(GraphRequest(env="dev", cwd=cwd), engine=engine, context=context)
    assert {e.status for e in outcome.record.layers} == {"succeeded"}
    when = {(kind, name): i for i, (kind, _op, name) in enumerate(engine.timeline)}
    for definition in layer_table():
        for dependency in definition.depends_on:
            assert when[("end", definition.name)] < when[("start", dependency.value)], f"{dependency.value} went before {definition.name}"


def test_destroying_a_layer_that_existing_layers_still_read_is_refused(world) -> None:
    engine, context, cwd = world
    engine.existing.update({"network", "cluster"})
    with pytest.raises(UsageError, match="network of dev is still read by cluster, which exist") as refused:
        destroy_platform(GraphRequest(env="dev", layers=("network",), cwd=cwd), engine=engine, context=context)
    assert "--layer cluster --layer network" in (refused.value.hint or "")
    assert engine.calls == []
    outcome = destroy_platform(GraphRequest(env="dev", layers=("network", "cluster"), cwd=cwd), engine=engine, context=context)
    assert [name for _op, name in engine.calls] == ["cluster", "network"] and not outcome.record.failed


def test_refresh_and_drift_run_every_selected_layer(world) -> None:
    engine, context, cwd = world
    refresh_platform(GraphRequest(env="dev", layers=("network", "identity"), cwd=cwd), engine=engine, context=context)
    detect_drift(GraphRequest(env="dev", layers=("network",), cwd=cwd), engine=engine, context=context)
    assert sorted(engine.calls) == [("drift", "network"), ("refresh", "identity"), ("refresh", "network")]
    assert context.records.latest("dev", "drift")["operation"] == "drift"


def test_resume_with_layers_is_bad_input(world) -> None:
    engine, context, cwd = world
    with pytest.raises(UsageError, match="takes no --layer"):
        provision(UpRequest(env="dev", layers=("network",), resume=True, preview_first=False, cwd=cwd), engine=engine, context=context,
                  confirm=lambda _p: True)
