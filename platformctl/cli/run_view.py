"""Drawing a run over the layer graph on stderr: a live table in a terminal, `[layer]` lines without one, NDJSON with --json."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any, Literal

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.table import Table

from platformctl.cli import console
from platformctl.core.run_events import LayerSettled, LockWaiting, RunEvent, RunNotice
from platformctl.core.run_record import RunRecord
from platformctl.engines.base import Diagnostic, LayerStarted, ResourceProgress

Mode = Literal["live", "lines", "json"]
CHANGE_OPS = ("create", "update", "delete", "replace")
_PAST = {"create": "created", "update": "updated", "delete": "deleted", "replace": "replaced", "same": "kept", "read": "read", "refresh": "refreshed"}
_SYMBOL = {"create": "+", "update": "~", "delete": "-", "replace": "±"}


@dataclass
class _Row:
    state: str = "waiting"
    started: float | None = None
    ended: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    in_flight: str = ""
    last: str = ""


def pick_mode(stderr: Console, json_output: bool) -> Mode:
    if json_output:
        return "json"
    return "live" if stderr.is_terminal else "lines"


class RunView:
    """The event sink of one run (called from worker threads, hence the lock) and its closing summary."""

    def __init__(self, stderr: Console, *, mode: Mode, run_id: str, operation: str, env: str, now: Callable[[], float] = time.time) -> None:
        self.stderr, self.mode, self.run_id, self.operation, self.env, self.now = stderr, mode, run_id, operation, env, now
        self.rows: dict[str, _Row] = {}
        self._lock = threading.Lock()
        self._live: Live | None = None

    def __enter__(self) -> RunView:
        if self.mode == "live":
            self._live = Live(get_renderable=self._table, console=self.stderr, refresh_per_second=4, transient=False)
            self._live.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def __call__(self, event: RunEvent) -> None:
        with self._lock:
            if self.mode == "json":
                console.write_data(json.dumps(self._document(event), sort_keys=True, default=str) + "\n")
            line = self._update(event)
            if line and self.mode == "lines":
                self.stderr.print(line, markup=False, highlight=False)

    def note(self, message: str) -> None:
        """A sentence from the command itself, in the same stream."""
        self(RunNotice(message))

    def _row(self, layer: str) -> _Row:
        return self.rows.setdefault(layer, _Row())

    def _update(self, event: RunEvent) -> str | None:
        if isinstance(event, LayerStarted):
            row = self._row(event.layer)
            row.state, row.started = event.operation, row.started or time.monotonic()
            return f"[{event.layer}] {event.operation} started"
        if isinstance(event, ResourceProgress):
            row = self._row(event.layer)
            name = event.urn.rsplit("::", 1)[-1]
            if event.state == "started":
                row.in_flight = f"{event.op} {event.type} {name}" if event.op != "same" else row.in_flight
                return None
            if event.op in CHANGE_OPS and event.state == "done":
                row.counts[event.op] = row.counts.get(event.op, 0) + 1
            if event.state == "failed":
                return f"[{event.layer}] FAILED to {event.op} {event.type} {name}"
            return f"[{event.layer}] {_PAST.get(event.op, event.op)} {event.type} {name}" if event.op in CHANGE_OPS else None
        if isinstance(event, Diagnostic):
            if event.severity in {"warning", "error"}:
                self._row(event.layer).last = f"{event.severity}: {event.message.splitlines()[0]}"
                return f"[{event.layer}] {event.severity}: {event.message}"
            return None
        if isinstance(event, LockWaiting):
            who = "; ".join(h.describe(self.now()) for h in event.holders) or "held by another update"
            self._row(event.layer).last = f"lock {who}"
            return f"[{event.layer}] waiting for the stack's lock, {who}: retrying in {event.retry_in:.0f}s (waited {event.waited:.0f}s)"
        if isinstance(event, RunNotice):
            if event.layer:
                self._row(event.layer).last = event.message
            return f"[{event.layer}] {event.message}" if event.layer else event.message
        if isinstance(event, LayerSettled):
            row = self._row(event.layer)
            row.state, row.ended, row.in_flight = event.status, time.monotonic(), ""
            detail = f": {event.error}" if event.error else (f" ({event.reason})" if event.reason else "")
            return f"[{event.layer}] {event.status}{_counts(row.counts)}{detail}"
        return None

    def _document(self, event: RunEvent) -> dict[str, Any]:
        body = asdict(event) if is_dataclass(event) else {}
        if isinstance(event, LockWaiting):
            body["holders"] = [h.describe() for h in event.holders]
        return {"run_id": self.run_id, "event": type(event).__name__, **body}

    def _table(self) -> RenderableType:
        with self._lock:
            table = Table(title=f"{self.operation} {self.env}", title_justify="left", expand=False)
            for column in ("layer", "state", "elapsed", "changes", "in flight", "last message"):
                table.add_column(column, overflow="ellipsis", no_wrap=True, max_width=60 if column == "last message" else 48)
            now = time.monotonic()
            for layer, row in self.rows.items():
                elapsed = f"{(row.ended or now) - row.started:.0f}s" if row.started else ""
                changes = " ".join(f"{_SYMBOL[op]}{row.counts[op]}" for op in CHANGE_OPS if row.counts.get(op))
                table.add_row(layer, row.state, elapsed, changes, row.in_flight, row.last)
            return table

    def summary(self, record: RunRecord, saved_to: str) -> None:
        """The grouped ending: counts per result, each failure with its first error and resource, what was blocked."""
        if self.mode == "json":
            console.write_data(json.dumps({"run_id": record.run_id, "event": "RunRecord", "record": record.to_document()}, sort_keys=True) + "\n")
        groups: dict[str, list[str]] = {}
        for entry in record.layers:
            groups.setdefault(entry.status, []).append(entry.name)
        order = ("succeeded", "unchanged", "failed", "blocked", "cancelled")
        self.stderr.print(f"{record.operation} {record.environment}: " + ", ".join(f"{len(groups.get(s, []))} {s}" for s in order)
                          + f" (run {record.run_id}).", markup=False)
        panels: list[RenderableType] = []
        for entry in record.layers:
            if entry.status == "failed":
                text = f"{entry.error or 'failed'}" + (f"\nresource: {entry.error_urn}" if entry.error_urn else "")
                if self.mode == "live":
                    panels.append(Panel(text, title=f"{entry.name} failed", title_align="left"))
                else:
                    self.stderr.print(f"  failed  {entry.name}: {text.replace(chr(10), chr(10) + '          ')}", markup=False)
            elif entry.status in {"blocked", "cancelled"}:
                why = f"{entry.reason}: {entry.cause}" if entry.cause else entry.reason
                self.stderr.print(f"  {entry.status:<8}{entry.name} ({why})", markup=False)
            for urn in entry.retained:
                self.stderr.print(f"  retained (protected) {urn}", markup=False)
            for drifted in entry.drifted:
                self.stderr.print(f"  drifted {entry.name}: {drifted}", markup=False)
            if entry.unparsable_events:
                self.stderr.print(f"  {entry.name}: {entry.unparsable_events} engine event(s) could not be read (logged)", markup=False)
        if panels:
            self.stderr.print(Group(*panels))
        if record.stale_dependents:
            self.stderr.print(f"Stale: {', '.join(record.stale_dependents)} read outputs that changed in this run.", markup=False)
        self.stderr.print(f"Run record: {saved_to}", markup=False)


def _counts(counts: dict[str, int]) -> str:
    shown = [f"{counts[op]} {_PAST[op]}" for op in CHANGE_OPS if counts.get(op)]
    return f" ({', '.join(shown)})" if shown else ""


def render_previews(stderr: Console, previews: list[Any]) -> None:
    """The changes each layer's preview found, before the question."""
    table = Table(title="Preview", title_justify="left")
    for column in ("layer", "create", "update", "delete", "replace", "note"):
        table.add_column(column)
    for preview in previews:
        note = f"previewed after {preview.deferred_until} is applied" if preview.deferred_until else (preview.error or "")
        counts = [str(preview.changes.get(op, 0)) if not preview.deferred_until else "?" for op in CHANGE_OPS]
        table.add_row(preview.layer, *counts, note)
    stderr.print(table)
