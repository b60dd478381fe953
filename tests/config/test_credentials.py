"""A credential anywhere in platform.yaml is refused with its path and line, by kind, and never printed.

The fake credentials are assembled at run time so that secret scanners do not flag this file.
"""

from __future__ import annotations

import re

import pytest

from platformctl.config.credentials import credential_kind
from platformctl.config.loader import parse_platform
from platformctl.config.sample import sample_text
from platformctl.errors import ConfigError
from tests.cli.runner import run

FAKES = {
    "an AWS access key id": "AKIA" + "Q7XW2ZB4NPL5RT8V",
    "an AWS secret access key": "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY",
    "a GitHub token": "gh" + "p_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "a GitLab token": "gl" + "pat-" + "x9Y8z7W6v5U4t3S2r1Q0",
    "a Slack token": "xo" + "xb-" + "2384729384-Zx8cVb7nM6aS5",
    "a private key": "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
    "a password in a URL": "https://deploy:" + "hunter2pass" + "@hooks.example.com/callback",
}
RANDOM_TAG = "Zq8" + "xT2vLm9Rk4pWn7Yc3Hs6Jd"


def _with(sample_line: str, replacement: str) -> str:
    text = sample_text()
    assert sample_line in text, f"the sample no longer has {sample_line!r}: update this test"
    return text.replace(sample_line, replacement, 1)


def _refusal(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as raised:
        parse_platform(text, source="platform.yaml")
    return raised.value


def _everything_said(error: ConfigError) -> str:
    return "\n".join([error.message, error.hint or "", *error.details])


@pytest.mark.parametrize("kind", FAKES)
def test_each_kind_is_recognised(kind) -> None:
    assert credential_kind(f"prefix {FAKES[kind]} suffix") == kind


@pytest.mark.parametrize("kind", FAKES)
@pytest.mark.parametrize(
    "where",
    ["organisation", "tag value", "tag key", "nested list", "unknown key"],
)
def test_a_credential_anywhere_is_refused_with_path_and_line_and_never_echoed(kind, where) -> None:
    secret = FAKES[kind]
    quoted = '"' + secret.replace("\n", "\\n") + '"'
    text = {
        "organisation": lambda: re.sub(r"^organisation: .*$", f"organisation: {quoted}", sample_text(), count=1, flags=re.M),
        "tag value": lambda: sample_text().replace("\ntags:", f"\ntags:\n  leaked: {quoted}", 1),
        "tag key": lambda: sample_text().replace("\ntags:", f"\ntags:\n  {quoted}: x", 1),
        "nested list": lambda: re.sub(r"^(  callback_urls: )\[.*\]$", rf"\g<1>[{quoted}]", sample_text(), count=1, flags=re.M),
        "unknown key": lambda: sample_text() + f"notes: {quoted}\n",
    }[where]()
    error = _refusal(text)
    said = _everything_said(error)
    assert secret not in said and secret.split("\n")[0] not in said, f"the {kind} was printed:\n{said}"
    flagged = [line for line in error.details if kind in line]
    assert flagged and all("(line " in line for line in flagged), said


def test_a_random_tag_value_is_refused_but_ordinary_tags_pass() -> None:
    error = _refusal(sample_text().replace("\ntags:", f"\ntags:\n  deploy-key: {RANDOM_TAG}", 1))
    assert any(line.startswith("tags.deploy-key: holds what looks like a random string") for line in error.details), error.details
    assert RANDOM_TAG not in _everything_said(error)
    ordinary = sample_text().replace("\ntags:", "\ntags:\n  cost-centre: cc-1234-payments-europe\n  owner: team-platform", 1)
    assert parse_platform(ordinary, source="platform.yaml").tags["cost-centre"] == "cc-1234-payments-europe"


def test_plan_refuses_and_prints_the_secret_nowhere(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    secret = FAKES["an AWS secret access key"]
    (tmp_path / "platform.yaml").write_text(sample_text().replace("\ntags:", f"\ntags:\n  leaked: {secret}", 1))
    result = run(capsys, "plan", "--json", "--out", "plan.json")
    assert result.code == 2 and "tags.leaked: holds what looks like an AWS secret access key" in result.stderr, result.stderr
    assert secret not in result.stderr + result.stdout and not (tmp_path / "plan.json").exists()


def test_a_credential_in_a_comment_is_refused_by_line_and_not_echoed() -> None:
    secret = FAKES["a GitHub token"]
    text = sample_text().replace("\ntags:", f"\n# old deploy token: {secret}\ntags:", 1)
    line = text.splitlines().index(f"# old deploy token: {secret}") + 1
    error = _refusal(text)
    assert any(f"the comment on line {line} holds what looks like a GitHub token" in d for d in error.details), error.details
    assert secret not in _everything_said(error)
    assert parse_platform(sample_text().replace("\ntags:", "\n# tokens live in Secrets Manager\ntags:", 1), source="platform.yaml")
