"""Which platform.yaml plan reads: the built-in sample only when nothing by that name exists; anything
else that is not a readable file is exit 2 saying what it is (never a green run on the sample)."""

from __future__ import annotations

import os

import pytest

from tests.cli.runner import run
from tests.unprivileged import as_unprivileged


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    for directory, dirnames, filenames in os.walk(tmp_path):
        for name in dirnames + filenames:
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755)


def _unreadable(folder):
    (folder / "platform.yaml").write_text("organisation: acme\n")
    (folder / "platform.yaml").chmod(0o000)


CASES = {
    "dangling link": (lambda d: (d / "platform.yaml").symlink_to("moved/platform.yaml"), "is a symbolic link to moved/platform.yaml, which does not exist"),
    "link loop": (lambda d: ((d / "platform.yaml").symlink_to("other.yaml"), (d / "other.yaml").symlink_to("platform.yaml")), "is a symbolic link in a loop"),
    "folder": (lambda d: (d / "platform.yaml").mkdir(), "is a folder, not a file"),
    "unreadable": (_unreadable, "permission denied"),
    "not utf-8": (lambda d: (d / "platform.yaml").write_bytes(b"organisation: \xff\xfe\n"), "is not UTF-8 text"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_platform_yaml_that_is_not_a_readable_file_is_refused_not_replaced_by_the_sample(capsys, in_tmp, case) -> None:
    make, phrase = CASES[case]
    make(in_tmp)
    with as_unprivileged():
        implicit = run(capsys, "plan", "--layer", "messaging")
        explicit = run(capsys, "plan", "--layer", "messaging", "--file", "platform.yaml")
    for result in (implicit, explicit):
        assert result.code == 2, result.stderr
        assert "platform.yaml" in result.stderr and phrase in result.stderr, result.stderr
        assert "sample" not in result.stderr and result.stdout == "" and "Traceback" not in result.stderr


def test_the_sample_is_planned_only_when_nothing_has_the_name(capsys, in_tmp) -> None:
    result = run(capsys, "plan", "--layer", "messaging")
    assert result.code == 0 and "built-in sample" in result.stderr


def test_a_named_file_that_does_not_exist_is_refused(capsys, in_tmp) -> None:
    result = run(capsys, "plan", "--file", "nope.yaml")
    assert result.code == 2 and "nope.yaml does not exist" in result.stderr
