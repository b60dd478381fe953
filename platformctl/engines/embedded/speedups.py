"""What planning switches off while it runs, because a plan never needs it.

1. The SDK's source positions. For every resource the SDK walks the Python stack and turns each
   frame into a file URI, so that the Pulumi engine can show where a resource was declared. The
   mock monitor throws that away; it was a third of the prod plan's run time (0.37 s of 1.15 s).
   The SDK function is private: if an upgrade renames it, planning stays correct and only loses
   the speed-up (tests/engines/test_speedups.py notices).
2. The cyclic garbage collector. Importing pulumi_aws creates millions of long-lived objects, and
   every full collection walks all of them again: 1.2 s of a 3 s prod plan went to that. A plan
   is short and bounded, so collection waits until it ends (peak memory +12 MiB, measured).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from platformctl.engines.embedded.sdk_internals import STACK_TRACE_HOOK


@contextmanager
def without_source_positions() -> Iterator[bool]:
    """While inside, resources register with an empty stack trace; yields whether the hook was found."""
    import pulumi.runtime.resource as sdk_resource
    from pulumi.runtime.proto import source_pb2

    original = getattr(sdk_resource, STACK_TRACE_HOOK, None)
    if original is None:
        yield False
        return
    setattr(sdk_resource, STACK_TRACE_HOOK, source_pb2.StackTrace)
    try:
        yield True
    finally:
        setattr(sdk_resource, STACK_TRACE_HOOK, original)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No cyclic collection inside; the collector's previous state is restored on the way out."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
