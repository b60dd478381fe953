"""What every lifecycle use case shares: the layers a person selected, a run over them, and its saved record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from platformctl.config.loader import LoadedPlatform, load_platform
from platformctl.core.planning import layer_inputs
from platformctl.core.run_events import RunEvent
from platformctl.core.run_record import RunRecord, RunRecordStore, build_record, new_run_id
from platformctl.core.scheduler import Action, CancelSignal, PullIn, SchedulerOptions, run_graph
from platformctl.engines.base import LayerInput
from platformctl.system import Clock

EventCallback = Callable[[RunEvent], None]


@dataclass(frozen=True)
class RunContext:
    """The side effects a run needs, from the composition root (fakes in tests)."""

    records: RunRecordStore
    clock: Clock
    cancel: CancelSignal
    on_event: EventCallback
    run_id: str = ""  # tags the run's events; made from the clock when empty


@dataclass(frozen=True)
class RunOutcome:
    """A finished run: its record and where the record was kept."""

    record: RunRecord
    saved_to: str


def is_production(env: str, platform_file: Path | None, cwd: Path) -> bool:
    """Whether production rules (and the typed confirmation) apply to env.

    Raises:
        UsageError: unknown environment.
    """
    from platformctl.core.planning import check_environment

    loaded = load(platform_file, cwd)
    check_environment(loaded, env)
    return loaded.platform.is_production(env)


def load(platform_file: Path | None, cwd: Path) -> LoadedPlatform:
    return load_platform(platform_file, cwd=cwd)


def selected_layers(loaded: LoadedPlatform, env: str, names: Sequence[str]) -> list[LayerInput]:
    """Exactly the named layers (every layer if none), upstream first; their dependencies are assumed applied.

    Raises:
        UsageError: unknown environment or layer.
    """
    inputs = layer_inputs(loaded, env, list(names) or None)
    return [layer for layer in inputs if not names or layer.name in names]


def run_and_record(
    layers: Sequence[LayerInput],
    *,
    operation: str,
    env: str,
    action: Action,
    options: SchedulerOptions,
    context: RunContext,
    pull_in: PullIn | None = None,
    stale: Callable[[], list[str]] = list,
) -> RunOutcome:
    """Run `action` over the layer graph, then keep the run record with the state."""
    started = context.clock.now()
    outcomes = run_graph(layers, action=action, options=options, clock=context.clock, cancel=context.cancel,
                         on_event=context.on_event, pull_in=pull_in)
    record = build_record(run_id=context.run_id or new_run_id(started), operation=operation, environment=env, started=started, ended=context.clock.now(),
                          outcomes=outcomes, stale_dependents=stale(), interrupted=context.cancel.requests > 0)
    return RunOutcome(record=record, saved_to=context.records.save(record.to_document()))
