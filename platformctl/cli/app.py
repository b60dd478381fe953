"""The platformctl command: global options, command registration, and the error boundary."""

from __future__ import annotations

import os
import sys

import typer

from platformctl import __version__
from platformctl.cli import boundary
from platformctl.cli.commands import dev, doctor, init, new_service, plan, policy
from platformctl.config.env_vars import TRACEBACK

app = typer.Typer(
    name="platformctl",
    help=(
        "Stand up the company platform on AWS with Pulumi, scaffold FastAPI services onto it, and deploy them safely.\n\n"
        "Start with `platformctl plan --env prod`: it shows everything `up` would build, with no AWS account needed."
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state = {"traceback": False}


def _version(value: bool) -> None:
    if value:
        print(f"platformctl {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
    traceback: bool = typer.Option(False, "--traceback", help="Show the stack trace of errors (never with local variables)."),
) -> None:
    _state["traceback"] = traceback


# One line per command; each lives in its own module under platformctl/cli/commands/.
app.command("init")(init.init)
app.command("plan")(plan.plan)
app.command("doctor")(doctor.doctor)
app.command("new-service")(new_service.new_service)
app.command("dev")(dev.dev)
app.add_typer(policy.app, name="policy")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; the single boundary where errors become messages and exit codes."""
    from platformctl.cli import console

    console.reset()
    args = sys.argv[1:] if argv is None else argv
    _state["traceback"] = False
    try:
        app(args=args, prog_name="platformctl", standalone_mode=True)
    except SystemExit:
        raise
    except BaseException as exc:
        show = _state["traceback"] or os.environ.get(TRACEBACK, "") in {"1", "true", "yes"}
        raise SystemExit(boundary.report(exc, show_traceback=show)) from None
