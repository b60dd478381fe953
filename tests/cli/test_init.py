"""`platformctl init` writes a valid, commented platform.yaml and never overwrites without --force."""

from __future__ import annotations

from platformctl.config.loader import parse_platform
from tests.cli.runner import run


def test_init_writes_a_file_that_validates(capsys, tmp_path) -> None:
    target = tmp_path / "platform.yaml"
    result = run(capsys, "init", "--path", str(target), "--org", "globex", "--domain", "globex.io", "--primary-region", "us-east-1", "--dr-region", "us-west-2")
    assert result.code == 0, result.stderr
    text = target.read_text()
    assert text.count("#") > 10, "platform.yaml should be commented"
    platform = parse_platform(text, source=str(target))
    assert platform.organisation == "globex" and platform.regions.primary == "us-east-1" and platform.regions.dr == "us-west-2"


def test_init_refuses_to_overwrite_without_force(capsys, tmp_path) -> None:
    target = tmp_path / "platform.yaml"
    target.write_text("keep me")
    result = run(capsys, "init", "--path", str(target))
    assert result.code == 2 and "already exists" in result.stderr and "--force" in result.stderr
    assert target.read_text() == "keep me"
    assert run(capsys, "init", "--path", str(target), "--force").code == 0
    assert target.read_text() != "keep me"


def test_init_with_invalid_answers_writes_nothing(capsys, tmp_path) -> None:
    target = tmp_path / "platform.yaml"
    result = run(capsys, "init", "--path", str(target), "--primary-region", "eu-west-1", "--dr-region", "eu-west-1")
    assert result.code == 2
    assert "--dr-region must differ from --primary-region" in result.stderr
    assert not target.exists()
    result = run(capsys, "init", "--path", str(target), "--primary-region", "mars-north-1")
    assert result.code == 2 and "is not an AWS region" in result.stderr and not target.exists()
