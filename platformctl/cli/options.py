"""Options shared by several commands."""

from __future__ import annotations

import typer

PlatformFileOption = typer.Option(
    None,
    "--file",
    "-f",
    metavar="FILE",
    help="The platform.yaml to read (default: ./platform.yaml, or the built-in sample when there is none).",
    envvar="PLATFORMCTL_PLATFORM_FILE",
)
JsonOption = typer.Option(False, "--json", help="Print a machine-readable JSON document to stdout.")
YesOption = typer.Option(False, "--yes", "-y", help="Answer yes to questions (for CI).")
