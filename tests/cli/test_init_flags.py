"""init speaks in flags: its errors name --org, --domain, --primary-region and --dr-region (not YAML keys, lines
of a file the user never saw, or regular expressions), say why --org is limited, and the next step names the file."""

from __future__ import annotations

import pytest

from platformctl.config.organisation_name import MAX_ORG_LENGTH
from tests.cli.runner import run


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "flags, expected",
    [
        (["--org", "a" * (MAX_ORG_LENGTH + 1)], f"has {MAX_ORG_LENGTH + 1} characters; at most {MAX_ORG_LENGTH}, so that the OpenSearch domain"),
        (["--org", "Bad Name"], "--org 'Bad Name' must be a lower-case DNS label"),
        (["--org", "amazonshop"], "--org: contains 'amazon'"),
        (["--domain", "not a domain"], "--domain 'not a domain' must be a DNS domain"),
        (["--primary-region", "mars-north-1"], "--primary-region 'mars-north-1' is not an AWS region"),
        (["--dr-region", "eu-west-1"], "--dr-region must differ from --primary-region"),
    ],
    ids=["org too long", "org not a label", "org reserved word", "domain", "region", "same regions"],
)
def test_errors_name_the_flag_and_nothing_is_written(capsys, in_tmp, flags, expected) -> None:
    result = run(capsys, "init", *flags)
    assert result.code == 2, result.stderr
    assert expected in result.stderr, result.stderr
    for leak in ("(line ", "the answers given", "^[a-z]", "organisation:", "regions."):
        assert leak not in result.stderr, f"{leak!r} is not in the user's terms:\n{result.stderr}"
    assert list(in_tmp.iterdir()) == []


def test_org_of_the_longest_allowed_length_works(capsys, in_tmp) -> None:
    assert run(capsys, "init", "--org", "a" * MAX_ORG_LENGTH).code == 0
    assert run(capsys, "plan", "--layer", "messaging", "--env", "staging").code == 0, "an org init accepts must plan"


def test_org_help_says_why_it_is_limited(capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    text = " ".join(run(capsys, "init", "--help").stdout.split())
    assert f"at most {MAX_ORG_LENGTH} characters" in text and "OpenSearch" in text


@pytest.mark.parametrize("path, expected", [("platform.yaml", "`platformctl plan --env dev`"), ("us.yaml", "`platformctl plan --env dev --file us.yaml`"),
                                             ("sub dir/p.yaml", "--file 'sub dir/p.yaml'")])
def test_the_next_step_names_the_file_plan_must_read(capsys, in_tmp, path, expected) -> None:
    (in_tmp / "sub dir").mkdir()
    result = run(capsys, "init", "--path", path)
    assert result.code == 0 and expected in result.stderr, result.stderr
