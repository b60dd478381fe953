"""Options shared by several commands."""

from __future__ import annotations

import typer

PlatformFileOption = typer.Option(
    None,
    "--file",
    "-f",
    help="platform.yaml to read (default: ./platform.yaml, else the built-in sample).",
    envvar="PLATFORMCTL_PLATFORM_FILE",
    dir_okay=False,
)
JsonOption = typer.Option(False, "--json", help="Print a machine-readable JSON document to stdout.")
YesOption = typer.Option(False, "--yes", "-y", help="Answer yes to questions (for CI).")
