"""`status`, `outputs` and `unlock`: reading and repairing each layer's stack, one layer at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.layer_runs import load, selected_layers
from platformctl.core.run_record import RunRecord, RunRecordStore
from platformctl.engines.base import CloudEngine, StackState
from platformctl.engines.layers import get_layer


@dataclass(frozen=True)
class StatusReport:
    env: str
    layers: list[StackState]
    last_run: RunRecord | None = None
    now: float | None = None  # for the age of locks

    def to_document(self) -> dict[str, Any]:
        return {
            "environment": self.env,
            "layers": [
                {"layer": s.layer, "exists": s.exists, "last_update": s.last_update, "last_result": s.last_result, "resources": s.resources,
                 "pending_operations": list(s.pending_operations), "locks": [h.describe(self.now) for h in s.locks],
                 "last_run": _last_run_status(self.last_run, s.layer)}
                for s in self.layers
            ],
            "last_run_id": self.last_run.run_id if self.last_run else None,
        }


@dataclass(frozen=True)
class OutputsReport:
    env: str
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # layer -> name -> value


def stack_status(
    env: str, *, engine: CloudEngine, records: RunRecordStore, layers: tuple[str, ...] = (), platform_file: Path | None = None,
    cwd: Path = Path("."), now: float | None = None,
) -> StatusReport:
    """Per layer: last update and its result, resource count, locks and pending operations; and the last `up` run."""
    selected = selected_layers(load(platform_file, cwd), env, layers)
    last = records.latest(env, "up")
    return StatusReport(env, [engine.state(layer, stack=env) for layer in selected], RunRecord.from_document(last) if last else None, now)


def stack_outputs(
    env: str, *, engine: CloudEngine, layers: tuple[str, ...] = (), show_secrets: bool = False, platform_file: Path | None = None, cwd: Path = Path(".")
) -> OutputsReport:
    """Every selected layer's stack outputs; secrets masked unless show_secrets. Layers with no stack are left out."""
    from platformctl.errors import UsageError

    report = OutputsReport(env)
    for layer in selected_layers(load(platform_file, cwd), env, layers):
        try:
            report.outputs[layer.name] = engine.outputs(layer, stack=env, show_secrets=show_secrets)
        except UsageError:
            if layers:
                raise
    return report


def unlock_layer(env: str, layer: str, *, engine: CloudEngine, platform_file: Path | None = None, cwd: Path = Path(".")) -> StackState:
    """Remove the stale locks of one layer's stack and return its state afterwards."""
    get_layer(layer)
    selected = selected_layers(load(platform_file, cwd), env, (layer,))[0]
    engine.unlock(selected, stack=env)
    return engine.state(selected, stack=env)


def _last_run_status(record: RunRecord | None, layer: str) -> str | None:
    if record is None:
        return None
    return next((entry.status for entry in record.layers if entry.name == layer), None)
