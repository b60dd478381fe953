"""What planning switches off (the SDK's source positions, the cyclic GC): it takes effect with the
pinned SDK, changes nothing in the plan, and is put back afterwards."""

from __future__ import annotations

import gc
from contextlib import nullcontext

import pulumi.runtime.resource as sdk_resource

from platformctl.engines.embedded import runner
from platformctl.engines.embedded.runner import EmbeddedEngine
from platformctl.engines.embedded.speedups import STACK_TRACE_HOOK, cyclic_gc_paused, without_source_positions
from tests.engines.test_embedded import DOWN, UP


def test_the_hook_exists_in_the_pinned_sdk_and_is_restored() -> None:
    original = getattr(sdk_resource, STACK_TRACE_HOOK)
    with without_source_positions() as active:
        assert active, f"pulumi.runtime.resource.{STACK_TRACE_HOOK} is gone: the SDK changed; plans still work, only slower"
        assert getattr(sdk_resource, STACK_TRACE_HOOK) is not original
        assert len(getattr(sdk_resource, STACK_TRACE_HOOK)().frames) == 0
    assert getattr(sdk_resource, STACK_TRACE_HOOK) is original


def test_a_plan_is_the_same_with_and_without_source_positions(monkeypatch) -> None:
    fast = [layer.model_dump_json() for layer in EmbeddedEngine().plan([UP, DOWN], stack="prod")]
    monkeypatch.setattr(runner, "without_source_positions", nullcontext)
    monkeypatch.setattr(runner, "cyclic_gc_paused", nullcontext)
    slow = [layer.model_dump_json() for layer in EmbeddedEngine().plan([UP, DOWN], stack="prod")]
    assert fast == slow


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled(), "a collector that was off stays off"
    finally:
        gc.enable()
