"""Every failing doctor check carries its fix, in the table and in --json: a mistyped AWS_PROFILE, an expired
SSO session, an identity that fails in a way nobody foresaw, a tool that is missing or broken."""

from __future__ import annotations

import json

import pytest

from platformctl.core.diagnostics import CheckResult, diagnose
from platformctl.errors import PlatformctlError
from platformctl.wiring import Wiring
from tests.cli.runner import run


class _Runner:
    """pulumi present but broken, everything else missing."""

    def which(self, name: str) -> str | None:
        return "/usr/bin/pulumi" if name == "pulumi" else None

    def run(self, argv: list[str]) -> tuple[int, str]:
        return 1, "error: could not load plugins"


def _fails(exc: BaseException):
    def identity() -> str:
        raise exc

    return identity


@pytest.mark.parametrize(
    "identity",
    [_fails(PlatformctlError("AWS said no.")), _fails(RuntimeError("botocore blew up")), _fails(KeyError("Arn"))],
    ids=["error without a hint", "unexpected exception", "malformed answer"],
)
def test_every_failing_check_has_a_fix(identity) -> None:
    report = diagnose(runner=_Runner(), identity=identity)
    failing = [c for c in report.checks if c.status != "ok"]
    assert {c.name for c in failing} >= {"pulumi", "aws credentials", "kubectl", "docker", "dot"}
    assert all(c.fix and len(c.fix.split()) >= 3 for c in failing), [(c.name, c.fix) for c in failing]


def test_a_check_without_a_fix_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="has no fix"):
        CheckResult("x", "missing", "gone", None, ())


def test_a_mistyped_aws_profile_names_the_profile_and_the_fix(capsys, tmp_path, monkeypatch) -> None:
    config = tmp_path / "aws-config"
    config.write_text("[profile production]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_PROFILE", "prodution")
    result = run(capsys, "doctor", "--json", wiring=Wiring(runner=_Runner()))  # the real STS identity: it fails before any network
    assert result.code == 3
    check = next(c for c in json.loads(result.stdout)["checks"] if c["name"] == "aws credentials")
    assert check["status"] == "missing" and "'prodution'" in check["detail"]
    assert "aws configure list-profiles" in check["fix"]
    text = run(capsys, "doctor", wiring=Wiring(runner=_Runner()))
    assert "Fix aws credentials: Check its spelling against `aws configure list-profiles`" in text.stderr
    assert all(f"Fix {name}:" in text.stderr for name in ("pulumi", "kubectl", "docker", "dot"))
