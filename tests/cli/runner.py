"""Run the real CLI entry point (with its error boundary) and capture what the user sees."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from platformctl.cli.app import main
from platformctl.wiring import Wiring


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def run(capsys: pytest.CaptureFixture[str], *args: str, wiring: Wiring | None = None) -> Result:
    """Run `platformctl ARGS`; `wiring` is the composition root to use (fakes), the real one otherwise."""
    capsys.readouterr()
    try:
        main(list(args), wiring=wiring)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
