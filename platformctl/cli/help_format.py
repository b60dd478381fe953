"""How help looks: an on/off flag shows no type (`--json`, not `--json <bool>`), for every command at once.

typer 0.29's rich help prints a type for every option, flags included, unless the option has a metavar.
The group class below gives each flag an empty metavar when a command is looked up (or the group's own
help is drawn), so a command added later needs nothing of its own.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup, TyperOption


def hide_flag_types(command: Any, ctx: Any) -> None:
    """Give every on/off flag of command (its --help too) an empty metavar, which the help shows instead of `<bool>`,
    and every other option without one a name from its flag (`--layer` shows LAYER, not `<list[str]>`)."""
    for param in command.get_params(ctx):
        if not isinstance(param, TyperOption) or param.metavar is not None:
            continue
        if param.is_flag:
            param.metavar = ""
        else:
            longest = max(param.opts, key=len).lstrip("-")
            param.metavar = longest.upper().replace("-", "_")


class PlatformctlGroup(TyperGroup):
    """The platformctl command group: typer's, with flags shown without a type."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            hide_flag_types(command, ctx)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        hide_flag_types(self, ctx)
        super().format_help(ctx, formatter)
