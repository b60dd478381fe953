"""Paths a person got wrong are their mistake, not a bug: exit 2, one sentence naming the path and the
cause, no traceback, nothing left behind, for every command that reads or writes a path."""

from __future__ import annotations

import os

import pytest

from tests.cli.runner import Result, run
from tests.unprivileged import as_unprivileged

LONG_NAME = "n" * 300


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    for directory, dirnames, _ in os.walk(tmp_path):  # let pytest clean up what the tests locked
        for name in dirnames:
            os.chmod(os.path.join(directory, name), 0o755)


def _is_user_error(result: Result, *phrases: str) -> None:
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr and "bug" not in result.stderr, result.stderr
    error = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(error) == 1, result.stderr
    for phrase in phrases:
        assert phrase in error[0], result.stderr


def _read_only_folder(base) -> object:
    folder = base / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


def test_init_in_a_read_only_folder(capsys, in_tmp) -> None:
    folder = _read_only_folder(in_tmp)
    with as_unprivileged():
        result = run(capsys, "init", "--path", str(folder / "platform.yaml"))
    _is_user_error(result, str(folder / "platform.yaml"), "permission denied")
    assert list(folder.iterdir()) == []


def test_plan_out_in_a_read_only_folder(capsys, in_tmp) -> None:
    folder = _read_only_folder(in_tmp)
    with as_unprivileged():
        result = run(capsys, "plan", "--layer", "messaging", "--out", str(folder / "plan.json"))
    _is_user_error(result, str(folder / "plan.json"), "permission denied")
    assert list(folder.iterdir()) == []


def test_new_service_in_an_empty_read_only_folder(capsys, in_tmp) -> None:
    folder = _read_only_folder(in_tmp)
    with as_unprivileged():
        result = run(capsys, "new-service", "orders", "--dir", str(folder), "--yes", "--owner", "team-a")
    _is_user_error(result, str(folder), "permission denied")
    assert list(folder.iterdir()) == [] and sorted(p.name for p in in_tmp.iterdir()) == ["locked"]


def test_new_service_under_a_read_only_folder(capsys, in_tmp) -> None:
    folder = _read_only_folder(in_tmp)
    with as_unprivileged():
        result = run(capsys, "new-service", "orders", "--dir", str(folder / "orders"), "--yes", "--owner", "team-a")
    _is_user_error(result, str(folder), "permission denied")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("command", [("plan", "--file"), ("dev", "--dir")], ids=["plan --file", "dev --dir"])
def test_reading_inside_an_unreadable_folder(capsys, in_tmp, command) -> None:
    folder = in_tmp / "secret"
    folder.mkdir()
    (folder / "platform.yaml").write_text("organisation: acme\n")
    (folder / "service.yaml").write_text("name: orders\n")
    folder.chmod(0o000)
    target = folder / "platform.yaml" if command[0] == "plan" else folder
    with as_unprivileged():
        result = run(capsys, *command, str(target))
    _is_user_error(result, "permission denied")


def test_init_over_a_dangling_link_and_with_a_name_too_long(capsys, in_tmp) -> None:
    _is_user_error(run(capsys, "init", "--path", LONG_NAME), LONG_NAME, "the name is too long for the file system")
    _is_user_error(run(capsys, "plan", "--out", LONG_NAME, "--layer", "messaging"), "the name is too long for the file system")
    _is_user_error(run(capsys, "plan", "--file", LONG_NAME), "the name is too long for the file system")
    result = run(capsys, "new-service", "orders", "--dir", LONG_NAME, "--yes", "--owner", "team-a")
    _is_user_error(result, "the name is too long for the file system")
    assert list(in_tmp.iterdir()) == []
    (in_tmp / "platform.yaml").symlink_to("gone/platform.yaml")
    _is_user_error(run(capsys, "init"), "platform.yaml", "symbolic link to gone/platform.yaml, which does not exist")
    assert [p.name for p in in_tmp.iterdir()] == ["platform.yaml"]


def test_the_boundary_words_any_unhandled_path_error_as_a_user_error(capsys, in_tmp) -> None:
    # dev checks `--dir` before anything else: a folder it may not search reaches the boundary's net.
    locked = in_tmp / "locked"
    locked.mkdir()
    locked.chmod(0o000)
    with as_unprivileged():
        result = run(capsys, "dev", "--dir", str(locked / "svc"))
    assert result.code == 2 and "Traceback" not in result.stderr and str(locked / "svc") in result.stderr, result.stderr
    assert os.path.isdir(locked)
