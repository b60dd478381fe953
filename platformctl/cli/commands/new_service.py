"""`platformctl new-service`: a production-ready FastAPI service from the skeleton, in one command."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from platformctl.cli import console
from platformctl.cli.options import JsonOption, YesOption

DEFAULT_OWNER = "unowned"


def new_service(
    name: str = typer.Argument(..., metavar="NAME", help="The service's name: a lower-case DNS label of at most 40 characters, e.g. `orders`."),
    directory: Path | None = typer.Option(
        None, "--dir", metavar="DIR", help="The folder to create the service in, new or empty (default: ./NAME).", file_okay=False
    ),
    owner: str | None = typer.Option(None, "--owner", metavar="TEAM", help="The owning team, a DNS label such as `team-payments`, recorded in service.yaml."),
    features: str | None = typer.Option(
        None,
        "--with",
        metavar="FEATURES",
        help="The optional features to include, comma-separated: jobs, notifications, integrations, search; `all`, or `none` for the core only "
        "(default: jobs,notifications,integrations).",
    ),
    git: bool | None = typer.Option(
        None,
        "--git/--no-git",
        help="Create a git repository with one commit in the new folder, or not "
        "(default: yes, unless the folder is inside a git work tree already, whose repository should hold it).",
        show_default=False,
    ),
    yes: bool = YesOption,
    as_json: bool = JsonOption,
) -> None:
    """Generate a FastAPI service from the platform's skeleton: auth, rate limits, PostgreSQL, Redis, probes,
    metrics, traces, a Dockerfile and CI, with tests that pass out of the box.

    Nothing is written if anything is wrong. The new folder gets a git repository with one commit, unless it
    is inside a git work tree already (as with `cargo new`): then commit it there, or pass --git.

    Examples:

        platformctl new-service orders --owner team-checkout

        platformctl new-service search-api --with search,jobs --dir services/search-api --yes
    """
    from rich.markup import escape

    from platformctl.scaffold.generate import ServiceRequest, generate_service

    if owner is None:
        owner = _ask_owner() if not (yes or as_json) and sys.stdin.isatty() else DEFAULT_OWNER
    request = ServiceRequest(
        name=name,
        target=directory if directory is not None else Path(name),
        owner=owner,
        features=tuple(features.split(",")) if features is not None else None,
        git=git,
    )
    with console.err().status(f"Generating {escape(name)}…"):
        result = generate_service(request)
    if as_json:
        console.write_document(result.to_document())
        return
    err = console.err()
    err.print(
        f"Created [bold]{result.name}[/] in {escape(str(result.path))} ({result.files} files; skeleton {result.skeleton_version}; "
        f"features: {', '.join(result.features) or 'none'})."
    )
    err.print(f"Git: initial commit {result.git.detail}." if result.git.committed else f"Git: {result.git.detail}.", markup=False)
    if result.owner == DEFAULT_OWNER:
        err.print("Owner: not set; put the owning team in service.yaml (`owner:`) before the first deploy.")
    err.print("\nNext:")
    for step in result.next_steps:
        err.print(f"  {step}", markup=False)
    err.print("\nBefore CI can deploy it, `platformctl service up --env ENV` creates its roles; see the top of .github/workflows/ci.yaml.")


def _ask_owner() -> str:
    return str(typer.prompt("Owning team (a DNS label such as team-payments)", default=DEFAULT_OWNER))
