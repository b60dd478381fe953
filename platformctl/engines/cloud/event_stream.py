"""Engine events from the Automation API: enqueued on the SDK's threads, translated and forwarded on ours.

The SDK calls `on_event` on its gRPC worker threads and turns any exception there into a warning
that nobody sees, so the callback does one thing: a queue put. The thread that started the
operation drains the queue, translates each event into ours (platformctl/engines/base.py), keeps
the first error and its resource, and counts what it could not read instead of dropping it silently.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from platformctl.engines.base import Diagnostic, EventSink, ResourceProgress

T = TypeVar("T")
LOG = logging.getLogger("platformctl.cloud")
STACK_TYPE = "pulumi:pulumi:Stack"
_COLOUR_TAGS = re.compile(r"<\{%[^%]*%\}>")
Severity = Literal["debug", "info", "warning", "error"]
_SEVERITIES: dict[str, Severity] = {"error": "error", "warning": "warning", "info": "info", "info#err": "info", "debug": "debug"}
_DRAIN_TICK = 0.05


@dataclass
class PlannedStep:
    """One step a preview reported, kept to build the plan document."""

    op: str
    urn: str
    type: str
    new: dict[str, Any] | None


@dataclass
class OperationLog:
    """What one operation's events said, once it is over."""

    changes: dict[str, int] = field(default_factory=dict)
    steps: list[PlannedStep] = field(default_factory=list)
    first_error: str | None = None
    first_error_urn: str | None = None
    failed_urn: str | None = None
    unparsable: int = 0


class EventPump:
    """Carries one layer's operation events from the SDK's threads to the sink."""

    def __init__(self, layer: str, sink: EventSink) -> None:
        self.layer = layer
        self._sink = sink
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.log = OperationLog()

    def on_event(self, event: Any) -> None:
        """The callback handed to the SDK: only a put, so it can never fail on the SDK's thread."""
        self._queue.put(event)

    def run(self, operation: Callable[[], T]) -> T:
        """Run `operation` (an SDK call) on a helper thread, forwarding its events here until it returns."""
        box: dict[str, Any] = {}

        def target() -> None:
            try:
                box["result"] = operation()
            except BaseException as exc:  # handed back to the caller below
                box["error"] = exc

        worker = threading.Thread(target=target, name=f"pulumi-{self.layer}", daemon=True)
        worker.start()
        while worker.is_alive():
            self._drain(timeout=_DRAIN_TICK)
        worker.join()
        self._drain(timeout=None)
        if "error" in box:
            raise box["error"]
        return box["result"]  # type: ignore[no-any-return]

    def _drain(self, timeout: float | None) -> None:
        while True:
            try:
                event = self._queue.get(timeout=timeout) if timeout else self._queue.get_nowait()
            except queue.Empty:
                return
            timeout = None  # after the first event, take what is there without waiting
            try:
                self._translate(event)
            except Exception:  # an event we cannot read is counted and logged, never fatal
                self.log.unparsable += 1
                LOG.warning("unreadable engine event in layer %s: %r", self.layer, event, exc_info=True)

    def _translate(self, event: Any) -> None:
        if event.resource_pre_event is not None:
            meta = event.resource_pre_event.metadata
            new = meta.new
            self.log.steps.append(PlannedStep(meta.op.value, meta.urn, meta.type, _state(new) if new else None))
            if meta.type != STACK_TYPE:
                self._sink(ResourceProgress(self.layer, meta.urn, meta.type, meta.op.value, "started"))
        elif event.res_outputs_event is not None:
            meta = event.res_outputs_event.metadata
            if meta.type != STACK_TYPE:
                self._sink(ResourceProgress(self.layer, meta.urn, meta.type, meta.op.value, "done"))
        elif event.res_op_failed_event is not None:
            meta = event.res_op_failed_event.metadata
            self.log.failed_urn = self.log.failed_urn or meta.urn
            self._sink(ResourceProgress(self.layer, meta.urn, meta.type, meta.op.value, "failed"))
        elif event.diagnostic_event is not None:
            self._diagnostic(event.diagnostic_event)
        elif event.policy_event is not None:
            policy = event.policy_event
            severity: Severity = "error" if policy.enforcement_level == "mandatory" else "warning"
            message = f"policy {policy.policy_pack_name}/{policy.policy_name}: {clean(policy.message)}"
            self._sink(Diagnostic(self.layer, severity, message, policy.resource_urn))
            if severity == "error" and self.log.first_error is None:
                self.log.first_error, self.log.first_error_urn = message, policy.resource_urn
        elif event.summary_event is not None:
            self.log.changes = {str(getattr(op, "value", op)): int(count) for op, count in event.summary_event.resource_changes.items()}

    def _diagnostic(self, diag: Any) -> None:
        severity = _SEVERITIES[diag.severity]  # an unknown severity is an unreadable event
        message = clean(diag.message)
        if not message:
            return
        urn = diag.urn or None
        if severity == "error" and self.log.first_error is None:
            self.log.first_error, self.log.first_error_urn = message, urn
        self._sink(Diagnostic(self.layer, severity, message, urn))


def _state(new: Any) -> dict[str, Any]:
    return {
        "inputs": dict(new.inputs or {}),
        "outputs": dict(new.outputs or {}),
        "parent": new.parent or None,
        "provider": new.provider or None,
        "protect": bool(new.protect),
        "custom": bool(new.custom) if new.custom is not None else True,
    }


def clean(message: str) -> str:
    """A diagnostic without Pulumi's colour directives and trailing whitespace."""
    return _COLOUR_TAGS.sub("", message).strip()


class SdkParseFailures:
    """Counts the events the SDK itself could not parse: it reports them only as warnings from its threads."""

    PREFIX = "Failed to parse engine event"

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()
        self._previous: Callable[..., None] = warnings.showwarning

    def install(self) -> None:
        """Hook warnings; called before each operation, since anything (a test runner, a library) may reset the hook."""
        warnings.filterwarnings("always", message=self.PREFIX)  # the default filter would show the first only
        if warnings.showwarning is not self._show:
            self._previous = warnings.showwarning
            warnings.showwarning = self._show

    def _show(self, message: Warning | str, category: type[Warning], filename: str, lineno: int, *args: Any, **kwargs: Any) -> None:
        if str(message).startswith(self.PREFIX):
            with self._lock:
                self.count += 1
            LOG.warning("the Pulumi SDK could not parse an engine event: %s", message)
            return
        self._previous(message, category, filename, lineno, *args, **kwargs)


SDK_PARSE_FAILURES = SdkParseFailures()
