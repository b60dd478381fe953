"""platformctl.files: one rule for every file a command writes (pipes and devices written into, files
replaced atomically with the mode a person expects, `-` for stdout) and one wording of file errors."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from platformctl.errors import UsageError
from platformctl.files import write_text_file

HINT = "Pass another path."


def _leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_named_pipe_is_written_into_not_replaced(tmp_path) -> None:
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_text_file(fifo, "through the pipe\n", hint=HINT)
    reader.join(timeout=10)
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the pipe must still be a pipe"
    assert _leftovers(tmp_path) == []


def test_a_character_device_is_written_into_not_replaced() -> None:
    before = os.lstat("/dev/null")
    write_text_file("/dev/null", "discarded\n", hint=HINT)
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_dev_fd_path_writes_into_that_descriptor() -> None:
    read_end, write_end = os.pipe()
    try:
        write_text_file(f"/dev/fd/{write_end}", "into fd\n", hint=HINT)
        assert os.read(read_end, 100) == b"into fd\n"
    finally:
        os.close(read_end)
        os.close(write_end)


def test_an_existing_file_is_replaced_and_keeps_its_mode(tmp_path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("old")
    target.chmod(0o644)
    write_text_file(target, "new", hint=HINT)
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    target.chmod(0o600)
    write_text_file(target, "newer", hint=HINT)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_file_gets_the_umask(tmp_path, umask, expected) -> None:
    old = os.umask(umask)
    try:
        write_text_file(tmp_path / "new.json", "x", hint=HINT)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == expected


def test_dash_is_stdout(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_text_file("-", "to stdout\n", hint=HINT)
    assert capsys.readouterr().out == "to stdout\n"
    assert list(tmp_path.iterdir()) == [], "`-` is stdout, never a file named -"


def test_a_link_to_a_file_keeps_the_link_and_replaces_the_file(tmp_path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    write_text_file(link, "new", hint=HINT)
    assert link.is_symlink() and real.read_text() == "new"


@pytest.mark.parametrize(
    "make, cause",
    [
        (lambda d: (d / "x").symlink_to("nowhere/y"), "symbolic link to nowhere/y, which does not exist"),
        (lambda d: ((d / "x").symlink_to("z"), (d / "z").symlink_to("x")), "symbolic links form a loop"),
        (lambda d: (d / "x").mkdir(), "is a folder"),
    ],
    ids=["dangling link", "link loop", "folder"],
)
def test_what_cannot_become_a_file_is_a_usage_error(tmp_path, make, cause) -> None:
    make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(UsageError) as raised:
        write_text_file(tmp_path / "x", "x", hint=HINT)
    assert str(tmp_path / "x") in raised.value.message and cause in raised.value.message
    assert raised.value.hint == HINT
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "nothing may be left behind"


def test_a_missing_folder_and_a_name_too_long_are_usage_errors(tmp_path) -> None:
    with pytest.raises(UsageError, match=r"the folder .*missing does not exist"):
        write_text_file(tmp_path / "missing" / "x.json", "x", hint=HINT)
    with pytest.raises(UsageError, match="the name is too long for the file system"):
        write_text_file(tmp_path / ("n" * 300), "x", hint=HINT)
    assert list(tmp_path.iterdir()) == []


def test_a_file_where_a_folder_should_be_is_named(tmp_path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(UsageError, match="afile is a file, not a folder"):
        write_text_file(tmp_path / "afile" / "plan.json", "x", hint=HINT)
