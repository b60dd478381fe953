"""`platformctl dev`: the service and its worker on the laptop, with reload, until Ctrl-C."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from platformctl.cli import console

if TYPE_CHECKING:
    from platformctl.core.devserver import DevPlan
    from platformctl.core.supervisor import Event


def dev(
    directory: Path = typer.Option(Path("."), "--dir", metavar="DIR", help="Run the service in this folder (default: the current one).", show_default=False),
    port: int | None = typer.Option(None, "--port", min=1, max=65535, metavar="PORT", help="Serve the API on this port (default: `port` in service.yaml)."),
    host: str = typer.Option("127.0.0.1", "--host", metavar="HOST", help="Listen on this address; 0.0.0.0 opens the service to your network."),
    python: Path | None = typer.Option(
        None, "--python", metavar="PATH", help="Use this interpreter, or virtual environment, with the service's dependencies (default: DIR/.venv)."
    ),
    reload: bool = typer.Option(True, "--reload/--no-reload", help="Restart the API and the worker when a file under app/ changes."),
    worker: bool = typer.Option(True, "--worker/--no-worker", help="Run the jobs worker too, when the service has one."),
    use_env: bool = typer.Option(
        False, "--use-env", help="Keep DATABASE_URL, REDIS_URL, JWT_ISSUER and the like from your shell (default: left out, so nothing real is touched)."
    ),
) -> None:
    """Run the service locally on its embedded defaults (SQLite, a local queue, a dev token issuer; no servers needed):
    the API with reload and its jobs worker, until Ctrl-C stops both.

    Their output goes to stdout, each line prefixed with `api |` or `worker |`. Exits 130 once stopped by Ctrl-C
    or SIGTERM, 1 if a process exits on its own or the API never answers /healthz.

    Examples:

        platformctl dev

        platformctl dev --dir services/orders --port 8081
    """
    from platformctl.core.devserver import DevRequest, prepare_dev, run_dev
    from platformctl.errors import ExitCode

    plan = prepare_dev(DevRequest(directory=directory, port=port, host=host, python=python, reload=reload, worker=worker, use_env=use_env))
    err = console.err()
    err.print(f"Running {plan.name} from {plan.directory} on its local defaults (ENVIRONMENT=local):", markup=False)
    for name, summary in plan.summaries:
        err.print(f"  {name:<7}{summary}", markup=False)
    if plan.ignored:
        err.print(f"Left out of its environment: {', '.join(plan.ignored)} (from your shell; --use-env keeps them).", markup=False)
    stopped = run_dev(plan, on_event=_View(plan))
    if stopped.killed:
        err.print(f"Killed {' and '.join(stopped.killed)}: they had not stopped in time.", markup=False)
    err.print("Stopped.")
    raise typer.Exit(int(ExitCode.INTERRUPTED))


class _View:
    """Draws the supervisor's events: the processes' lines on stdout, the conversation on stderr."""

    def __init__(self, plan: DevPlan) -> None:
        self.plan = plan
        self.width = max(len(p.name) for p in plan.processes)

    def __call__(self, event: Event) -> None:
        from platformctl.core import supervisor as s

        if isinstance(event, s.ProcessOutput):
            console.write_data(f"{event.name:<{self.width}} | {event.line}\n")
        elif isinstance(event, s.Ready):
            self._ready(event.seconds)
        elif isinstance(event, s.Stopping):
            names = [p.name for p in self.plan.processes]
            if event.reason == "interrupted":
                them = "them" if len(names) > 1 else "it"
                console.err().print(f"Stopping {' and '.join(names)} (Ctrl-C again kills {them})…", markup=False)
            else:
                console.err().print(f"{event.reason.capitalize()}: stopping everything…", markup=False)

    def _ready(self, seconds: float) -> None:
        from platformctl.core.devserver import token_assignment

        plan = self.plan
        err = console.err()
        err.print(f"\n{plan.name} is up after {seconds:g} s:", markup=False)
        err.print(f"  API    {plan.url}", markup=False)
        if plan.docs_url:
            err.print(f"  Docs   {plan.docs_url}", markup=False)
        also = "   (or `make token`)" if plan.make_token else ""
        err.print(f"  Token  {token_assignment(plan)}{also}", markup=False)
        err.print(f'  Try    curl -H "Authorization: Bearer $TOKEN" {plan.url}/items', markup=False)
        err.print("Ctrl-C stops everything.\n", markup=False)
