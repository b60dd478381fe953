"""Every command that writes a file a person names goes through one rule: plan --out and init --path
write into pipes and devices, replace files atomically with the expected mode, and take `-` for stdout."""

from __future__ import annotations

import json
import os
import stat
import threading

import pytest

from tests.cli.runner import run

LAYER = "messaging"


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _read_fifo_in_background(fifo) -> tuple[threading.Thread, list[bytes]]:
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    return reader, received


@pytest.mark.parametrize("command", [("plan", "--layer", LAYER, "--out"), ("init", "--force", "--path")], ids=["plan --out", "init --path"])
def test_a_named_pipe_receives_the_document_and_stays_a_pipe(capsys, in_tmp, command) -> None:
    fifo = in_tmp / "doc.fifo"
    os.mkfifo(fifo)
    reader, received = _read_fifo_in_background(fifo)
    result = run(capsys, *command, str(fifo))
    reader.join(timeout=30)
    assert result.code == 0, result.stderr
    assert received and received[0].strip(), "the reader must get the document"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in in_tmp.iterdir()] == ["doc.fifo"], "no temporary file beside the pipe"


@pytest.mark.parametrize("command", [("plan", "--layer", LAYER, "--out"), ("init", "--force", "--path")], ids=["plan --out", "init --path"])
def test_dev_null_stays_a_device(capsys, in_tmp, command) -> None:
    result = run(capsys, *command, "/dev/null")
    assert result.code == 0, result.stderr
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_plan_out_dash_prints_the_document_on_stdout(capsys, in_tmp) -> None:
    result = run(capsys, "plan", "--layer", LAYER, "--out", "-")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["layers"][0]["name"] == LAYER, "stdout must be the document alone"
    assert list(in_tmp.iterdir()) == []


def test_init_path_dash_prints_the_file_on_stdout(capsys, in_tmp) -> None:
    result = run(capsys, "init", "--path", "-")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("# platform.yaml") and "environments:" in result.stdout
    assert list(in_tmp.iterdir()) == []


@pytest.mark.parametrize("command", [("plan", "--layer", LAYER, "--out"), ("init", "--force", "--path")], ids=["plan --out", "init --path"])
def test_an_existing_0644_file_keeps_its_mode_and_a_new_one_follows_the_umask(capsys, in_tmp, command) -> None:
    existing = in_tmp / "existing.out"
    existing.write_text("old")
    existing.chmod(0o644)
    assert run(capsys, *command, str(existing)).code == 0
    assert existing.read_text() != "old" and stat.S_IMODE(existing.stat().st_mode) == 0o644
    old = os.umask(0o027)
    try:
        assert run(capsys, *command, str(in_tmp / "new.out")).code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((in_tmp / "new.out").stat().st_mode) == 0o640
    assert sorted(p.name for p in in_tmp.iterdir()) == ["existing.out", "new.out"]


def test_plan_out_never_replaces_the_platform_yaml_it_reads(capsys, in_tmp) -> None:
    assert run(capsys, "init").code == 0
    before = (in_tmp / "platform.yaml").read_text()
    (in_tmp / "alias.yaml").symlink_to("platform.yaml")
    for out in ("platform.yaml", "./alias.yaml"):
        result = run(capsys, "plan", "--layer", LAYER, "--out", out)
        assert result.code == 2 and "which this command reads" in result.stderr, result.stderr
    assert (in_tmp / "platform.yaml").read_text() == before


def test_a_bad_out_path_is_refused_before_planning(capsys, in_tmp) -> None:
    result = run(capsys, "plan", "--layer", LAYER, "--out", "missing/plan.json")
    assert result.code == 2 and "the folder missing does not exist" in result.stderr
    assert "Planning" not in result.stderr and "messaging" not in result.stderr, "nothing was planned first"
