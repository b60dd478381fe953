"""Options the lifecycle commands (up, preview, destroy, refresh, drift) share."""

from __future__ import annotations

import typer

EnvOption = typer.Option(..., "--env", "-e", help="Environment, as named in platform.yaml.")
LayerOption = typer.Option([], "--layer", "-l", help="Only this layer (repeatable); the layers it depends on are assumed applied.")
ParallelOption = typer.Option(3, "--parallel", min=1, max=9, help="How many layers may run at once; a layer starts as soon as its dependencies are done.")
WaitForLockOption = typer.Option("0s", "--wait-for-lock", help="How long to wait, with backoff, for another update's lock on a stack (90s, 5m, 1h).")
FailFastOption = typer.Option(False, "--fail-fast", help="After a layer fails, start no other layer (those running finish).")
ReportFileOption = typer.Option(None, "--report-file", dir_okay=False,
                                help="Also write a report per layer (Name,Started,Ended,Result,Reason,Cause): JSON if the name ends in .json, else CSV.")
NdjsonOption = typer.Option(False, "--json", help="Print newline-delimited JSON events, tagged with layer and run id, then the run record, to stdout.")

