"""Drawing engine progress events on stderr: a spinner in a terminal, one line per layer otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

from platformctl.engines.base import EngineEvent, EventSink, LayerStarted


@contextmanager
def plan_progress(stderr: Console, env: str) -> Iterator[EventSink]:
    """A sink for a plan's events, live while the block runs."""
    with stderr.status(f"Planning {env}…") as status:

        def on_event(event: EngineEvent) -> None:
            if isinstance(event, LayerStarted):
                status.update(f"Planning {env}: {event.layer}…")
                if not stderr.is_terminal:
                    stderr.print(f"planning {event.layer}…")

        yield on_event
