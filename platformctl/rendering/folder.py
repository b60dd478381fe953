"""Write rendered manifests into a folder all at once: a failure leaves the old folder as it was."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from platformctl.errors import UsageError

_MARK = ".platformctl-render"  # a folder carrying this was written by render and may be replaced


def write_folder(target: Path, files: dict[str, str]) -> list[Path]:
    """Replace `target` with exactly `files` (stale objects from an earlier render do not linger).

    Raises:
        UsageError: target exists, is not empty, and was not written by render.
    """
    if target.exists() and (not target.is_dir() or (any(target.iterdir()) and not (target / _MARK).exists())):
        raise UsageError(f"{target} exists and was not written by `platformctl render`.", hint="Choose a new or empty folder for --out.")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".render-", dir=target.parent))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        (staging / _MARK).write_text("written by platformctl render; the folder is replaced on every render\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / name for name in files]
