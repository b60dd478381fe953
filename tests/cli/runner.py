"""Run the real CLI entry point (with its error boundary) and capture what the user sees."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from platformctl.cli.app import main


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
