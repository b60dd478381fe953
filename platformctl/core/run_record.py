"""The record of one run over the layer graph: kept with the state, read by `--resume` and `status`, written as a report."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from platformctl.core.scheduler import LayerOutcome

RECORD_VERSION = 1
REPORT_COLUMNS = ("Name", "Started", "Ended", "Result", "Reason", "Cause")  # Terragrunt's run report


class RunRecordStore(Protocol):
    """Where run records live: beside a file:// state, in the state bucket for s3://."""

    def save(self, document: Mapping[str, Any]) -> str: ...  # returns where it went

    def latest(self, environment: str, operation: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class LayerEntry:
    name: str
    status: str
    started: str | None
    ended: str | None
    reason: str = ""
    cause: str = ""
    changes: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    error_urn: str | None = None
    outputs_digest: str | None = None
    retained: list[str] = field(default_factory=list)
    drifted: list[str] = field(default_factory=list)
    unparsable_events: int = 0


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    operation: str
    environment: str
    started: str
    ended: str
    layers: list[LayerEntry]
    stale_dependents: list[str] = field(default_factory=list)
    interrupted: bool = False

    @property
    def failed(self) -> bool:
        return any(layer.status in {"failed", "blocked", "cancelled"} for layer in self.layers)

    def layer(self, name: str) -> LayerEntry:
        return next(entry for entry in self.layers if entry.name == name)

    def to_document(self) -> dict[str, Any]:
        return {"record_version": RECORD_VERSION, **asdict(self)}

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> RunRecord:
        fields = {k: v for k, v in document.items() if k != "record_version"}
        fields["layers"] = [LayerEntry(**layer) for layer in fields["layers"]]
        return cls(**fields)


def new_run_id(now: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now)) + "-" + hashlib.sha256(repr(now).encode()).hexdigest()[:6]


def outputs_digest(outputs: Mapping[str, Any]) -> str:
    """A digest of a layer's outputs: dependents are stale when it changes (secrets are masked before this)."""
    return hashlib.sha256(json.dumps(outputs, sort_keys=True, default=str).encode()).hexdigest()[:16]


def iso(moment: float | None) -> str | None:
    return None if moment is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


def build_record(
    *, run_id: str, operation: str, environment: str, started: float, ended: float, outcomes: Sequence[LayerOutcome],
    stale_dependents: Sequence[str] = (), interrupted: bool = False,
) -> RunRecord:
    entries = []
    for outcome in outcomes:
        result = outcome.result
        entries.append(LayerEntry(
            name=outcome.layer,
            status=outcome.status,
            started=iso(outcome.started),
            ended=iso(outcome.ended),
            reason=outcome.reason,
            cause=outcome.cause,
            changes=dict(result.changes) if result else {},
            error=outcome.error,
            error_urn=outcome.error_urn,
            outputs_digest=outputs_digest(result.outputs) if result and result.outputs else None,
            retained=list(result.retained) if result else [],
            drifted=list(result.drifted) if result else [],
            unparsable_events=result.unparsable_events if result else 0,
        ))
    return RunRecord(run_id, operation, environment, iso(started) or "", iso(ended) or "", entries, list(stale_dependents), interrupted)


def report(record: RunRecord, *, as_json: bool) -> str:
    """The run in Terragrunt's report shape: Name,Started,Ended,Result,Reason,Cause (CSV, or a JSON list)."""
    rows = [
        {"Name": e.name, "Started": e.started or "", "Ended": e.ended or "", "Result": e.status, "Reason": e.reason,
         "Cause": e.cause or (e.error or "")}
        for e in record.layers
    ]
    if as_json:
        return json.dumps(rows, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
