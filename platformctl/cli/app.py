"""The platformctl command: global options, the composition root in typer's context, command registration, the error boundary."""

from __future__ import annotations

import sys

import typer

from platformctl import __version__
from platformctl.cli import boundary
from platformctl.cli.commands import (
    bootstrap,
    deploy,
    destroy,
    dev,
    doctor,
    drift,
    history,
    init,
    new_service,
    outputs,
    plan,
    policy,
    preview,
    refresh,
    render,
    rollback,
    service,
    status,
    unlock,
    up,
)
from platformctl.cli.help_format import PlatformctlGroup
from platformctl.next_steps import APP_INTRO
from platformctl.wiring import Wiring, build_wiring

app = typer.Typer(
    name="platformctl",
    cls=PlatformctlGroup,
    help=(
        "Stand up the company platform on AWS with Pulumi, scaffold FastAPI services onto it, and deploy them safely.\n\n"
        + APP_INTRO
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)

TRACEBACK_FLAG = "--traceback"


def _version(value: bool) -> None:
    if value:
        print(f"platformctl {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
    traceback: bool = typer.Option(
        False, TRACEBACK_FLAG, help="Show the stack trace of errors (never with local variables); also accepted after the command."
    ),
) -> None:
    if ctx.obj is None:
        ctx.obj = build_wiring()
    ctx.obj.traceback_flag = ctx.obj.traceback_flag or traceback


# One line per command; each lives in its own module under platformctl/cli/commands/.
app.command("init")(init.init)
app.command("plan")(plan.plan)
app.command("doctor")(doctor.doctor)
app.command("new-service")(new_service.new_service)
app.command("dev")(dev.dev)
app.command("bootstrap")(bootstrap.bootstrap)
app.command("up")(up.up)
app.command("preview")(preview.preview)
app.command("destroy")(destroy.destroy)
app.command("refresh")(refresh.refresh)
app.command("drift")(drift.drift)
app.command("outputs")(outputs.outputs)
app.command("status")(status.status)
app.command("unlock")(unlock.unlock)
app.add_typer(service.app, name="service")
app.command("render")(render.render)
app.command("deploy")(deploy.deploy)
app.command("history")(history.history)
app.command("rollback")(rollback.rollback)
app.add_typer(policy.app, name="policy")


def main(argv: list[str] | None = None, *, wiring: Wiring | None = None) -> None:
    """Run the CLI; the single boundary where errors become messages and exit codes.

    Args:
        argv: the arguments (default: sys.argv[1:]).
        wiring: the composition root to use (tests pass one built with fakes); built from the environment otherwise.
    """
    from platformctl.cli import console

    console.reset()
    args = list(sys.argv[1:] if argv is None else argv)
    if wiring is None:
        wiring = build_wiring()
    # --traceback is a global option, but people type it after the command too: accept it anywhere before `--`.
    end = args.index("--") if "--" in args else len(args)
    if TRACEBACK_FLAG in args[:end]:
        wiring.traceback_flag = True
        args = [a for a in args[:end] if a != TRACEBACK_FLAG] + args[end:]
    try:
        app(args=args, prog_name="platformctl", standalone_mode=True, obj=wiring)
    except SystemExit:
        raise
    except BaseException as exc:  # the boundary: everything ends here
        raise SystemExit(boundary.report(exc, show_traceback=_show_traceback(wiring))) from None


def _show_traceback(wiring: Wiring) -> bool:
    try:
        return wiring.show_traceback
    except Exception:  # broken PLATFORMCTL_* settings must not hide the error being reported
        return wiring.traceback_flag
