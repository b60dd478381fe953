"""What every engine shares: the input of a layer, its Pulumi config, progress events, and the engine Protocols.

Two engines implement these: the embedded engine (Pulumi's mock runtime, for `plan`) and the cloud
engine (the Automation API over the Pulumi CLI, for `up` and the rest of the lifecycle). The core
receives an engine from the composition root (platformctl/wiring.py) and never imports one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from platformctl.errors import PlatformctlError
from platformctl.plan.model import LayerPlan

REGION_KEY = "aws:region"


@dataclass(frozen=True)
class LayerInput:
    """Everything an engine needs to run one layer of one environment."""

    name: str
    project: str  # the Pulumi project, platform-<name>
    module: str  # the module defining program(), e.g. stacks.network.program
    config: Mapping[str, Any]  # the layer's keys as its Pulumi.yaml declares them, without the project namespace
    region: str  # the default AWS provider's region
    depends_on: tuple[str, ...] = ()
    # Extra environment of the engine's processes for this stack (the CrossGuard pack's policy context); not config.
    engine_env: Mapping[str, str] = field(default_factory=dict, hash=False)


def pulumi_config(layer: LayerInput) -> dict[str, str]:
    """The one shaping of a layer's config for Pulumi, used by every engine.

    Keys gain the project namespace (`platform-network:vpcCidr`) unless they name one already
    (`aws:region`); structured values become JSON, which `Config.require_object` reads back. No
    value is secret: platform.yaml refuses secrets, and layers read theirs from Secrets Manager.
    """
    values = {REGION_KEY: layer.region}
    values.update({_namespaced(layer.project, key): _config_value(value) for key, value in layer.config.items()})
    return values


def _namespaced(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _config_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


# Progress leaves an engine as these events; the CLI draws them, tests record them.


@dataclass(frozen=True)
class LayerStarted:
    layer: str
    operation: str  # plan, preview, up, destroy, refresh


@dataclass(frozen=True)
class LayerFinished:
    layer: str
    operation: str
    resources: int  # resources registered (plan) or touched (cloud)


@dataclass(frozen=True)
class ResourceProgress:
    """One resource step of a cloud operation, as the Pulumi engine reports it."""

    layer: str
    urn: str
    type: str
    op: str  # create, update, delete, replace, same, read, refresh
    state: Literal["started", "done", "failed"]


@dataclass(frozen=True)
class Diagnostic:
    """A message the engine or a resource provider printed."""

    layer: str
    severity: Literal["debug", "info", "warning", "error"]
    message: str
    urn: str | None = None


EngineEvent = LayerStarted | LayerFinished | ResourceProgress | Diagnostic
EventSink = Callable[[EngineEvent], None]


def ignore_events(_event: EngineEvent) -> None:
    """The sink for callers that draw no progress."""


LayerStatus = Literal["succeeded", "unchanged", "failed", "blocked", "cancelled"]


@dataclass(frozen=True)
class LayerResult:
    """The outcome of one lifecycle operation on one layer."""

    layer: str
    operation: str
    status: LayerStatus
    changes: dict[str, int] = field(default_factory=dict)  # create/update/delete/replace/same counts
    outputs: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    error_urn: str | None = None
    retained: tuple[str, ...] = ()  # destroy: protected resources left in place
    drifted: tuple[str, ...] = ()  # drift: "update urn:…" for each resource the cloud changed behind Pulumi's back
    unparsable_events: int = 0  # engine events that could not be read (logged, never silently dropped)


class PlanningEngine(Protocol):
    """Plans a set of layers of one environment: every resource each would register."""

    def plan(
        self,
        layers: Sequence[LayerInput],
        *,
        stack: str,
        upstream: Mapping[str, Mapping[str, Any]] | None = None,
        on_event: EventSink = ignore_events,
    ) -> list[LayerPlan]:
        """Run the layers upstream first, chaining outputs; `upstream` gives outputs of layers not run, by project."""
        ...


class LifecycleEngine(Protocol):
    """Applies one layer at a time against real state: what the cloud engine adds to planning."""

    def preview(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerPlan: ...

    def up(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerResult: ...

    def destroy(
        self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events, include_protected: bool = False
    ) -> LayerResult:
        """Protected resources are retained (LayerResult.retained) unless include_protected."""
        ...

    def refresh(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerResult: ...

    def outputs(self, layer: LayerInput, *, stack: str, show_secrets: bool = False) -> dict[str, Any]:
        """The stack's outputs; secrets are "[secret]" unless show_secrets."""
        ...


# What the cloud engine adds: errors the scheduler acts on, a stack's state, and administration.


class StackLockedError(PlatformctlError):
    """Another update holds the stack's lock; `holders` says who, as the backend's lock files record it."""

    def __init__(self, message: str, *, holders: Sequence[LockHolder] = (), hint: str | None = None) -> None:
        super().__init__(message, hint=hint, details=[holder.describe() for holder in holders])
        self.holders = tuple(holders)


class LayerOperationError(PlatformctlError):
    """A Pulumi operation on a layer failed: the first error the engine reported, and the resource it names."""

    def __init__(self, message: str, *, urn: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.urn = urn


@dataclass(frozen=True)
class LockHolder:
    """Who holds a lock: the DIY backends write user, host, pid and time into the lock file (no lease, no expiry)."""

    user: str
    host: str
    pid: int
    acquired: str  # as the lock file says it (RFC 3339)
    path: str = ""

    def describe(self, now: float | None = None) -> str:
        """"held by alice@ci-7 (pid 4242) since 2026-12-04T09:00:00Z", with the lock's age when `now` is given."""
        age = _age(self.acquired, now) if now is not None else ""
        return f"held by {self.user}@{self.host} (pid {self.pid}) since {self.acquired}{age}"


def _age(acquired: str, now: float) -> str:
    from datetime import datetime

    try:
        seconds = int(now - datetime.fromisoformat(acquired.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return ""
    hours, rest = divmod(max(seconds, 0), 3600)
    return f", {hours}h{rest // 60:02d}m ago" if hours else f", {rest // 60}m{rest % 60:02d}s ago"


@dataclass(frozen=True)
class StackState:
    """What `status` shows for one layer's stack."""

    layer: str
    exists: bool
    last_update: str | None = None  # RFC 3339
    last_result: str | None = None  # succeeded, failed, in-progress
    resources: int = 0
    pending_operations: tuple[str, ...] = ()  # "create urn:…" for each operation an interrupted update left
    locks: tuple[LockHolder, ...] = ()


class StackAdministration(Protocol):
    """Reads and repairs a layer's stack: status, drift, pending operations, stale locks."""

    def state(self, layer: LayerInput, *, stack: str) -> StackState: ...

    def drift(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerResult: ...

    def unlock(self, layer: LayerInput, *, stack: str) -> None: ...


class CloudEngine(LifecycleEngine, StackAdministration, Protocol):
    """Everything `up`, `destroy`, `drift`, `status` and `unlock` need from one engine."""
