"""Writing plan documents where a person asked: a file replaced atomically, a pipe or device written into, `-` for stdout."""

from __future__ import annotations

from pathlib import Path

from platformctl.files import write_text_file
from platformctl.plan.model import Plan

OUT_HINT = "Pass an --out path in a folder you can write to (or `-` for stdout)."


def write_plan(plan: Plan, path: Path | str, text: str | None = None) -> None:
    """Write the plan's JSON (or the given document text) to path (`-`: stdout) through the one file-writing rule of platformctl.files.

    Raises:
        UsageError: the path cannot be written; nothing is left behind.
    """
    write_text_file(path, plan.to_json() if text is None else text, hint=OUT_HINT)
