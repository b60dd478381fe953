"""Writing plan documents to disk without ever leaving half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from platformctl.errors import UsageError
from platformctl.plan.model import Plan


def write_plan(plan: Plan, path: Path) -> None:
    """Write the plan's JSON to path atomically (a temporary file renamed into place)."""
    write_text(plan.to_json(), path)


def write_text(text: str, path: Path) -> None:
    """Write a plan document (any format) to path atomically (a temporary file renamed into place).

    Raises:
        UsageError: the folder does not exist or is not writable.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"Cannot write {path}: the folder {folder} does not exist.", hint="Create the folder or pass another --out path.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".plan-", suffix=".json", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"Cannot write {path}: {exc.strerror}.", hint="Pass an --out path in a writable folder.") from None
