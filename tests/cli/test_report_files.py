"""--report-file of up/destroy/… and of deploy/rollback goes through platformctl's one writer (platformctl/files.py):
a pipe is written into, a bad place is one UsageError naming it, never a raw OSError."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from platformctl.cli.deploy_view import write_error_report
from platformctl.cli.run_session import write_report
from platformctl.errors import UsageError


def test_the_run_report_goes_into_a_pipe_not_over_it(tmp_path: Path) -> None:
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_report(record_text="Name,Result\nnetwork,succeeded\n", path=fifo)
    reader.join(timeout=10)
    assert received == ["Name,Result\nnetwork,succeeded\n"]
    assert fifo.is_fifo(), "the pipe must not be replaced by a regular file"


def test_a_run_report_in_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as refused:
        write_report(record_text="x", path=tmp_path / "missing" / "report.csv")
    assert "report.csv" in refused.value.message and "--report-file" in (refused.value.hint or "")


def test_a_deploy_error_report_under_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(UsageError) as refused:
        write_error_report(tmp_path / "file" / "report.json", UsageError("no cluster", hint="run up"))
    assert "report.json" in refused.value.message


def test_a_deploy_error_report_makes_its_folder(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "deploy.json"
    write_error_report(target, UsageError("no cluster", hint="run up"))
    assert '"outcome": "error"' in target.read_text()
