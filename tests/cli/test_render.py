"""`platformctl render`: manifests to stdout or a folder; bad input is one sentence, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.paths import skeleton_dir
from tests.cli.runner import run
from tests.rendering.deploy_fixtures import IMAGE, OUTPUTS, TESTDATA


def _args(*extra: str) -> list[str]:
    return ["render", "--env", "prod", "--dir", str(skeleton_dir()), "--outputs", str(OUTPUTS), *extra]


def test_render_prints_the_golden_stream(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, *_args("--image", IMAGE))
    assert result.code == 0, result.stderr
    assert result.stdout == (TESTDATA / "golden" / "skeleton-prod.yaml").read_text()
    assert result.stderr == ""


def test_render_out_writes_one_file_per_object_and_replaces_its_own_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "prod"
    assert run(capsys, *_args("--image", IMAGE, "--out", str(out))).code == 0
    first = sorted(p.name for p in out.glob("*.yaml"))
    assert first[0] == "00-configmap-applyset-skeleton.yaml" and len(first) == 13
    (out / "99-stale.yaml").write_text("kind: Stale\n")
    assert run(capsys, *_args("--image", IMAGE, "--out", str(out))).code == 0
    assert sorted(p.name for p in out.glob("*.yaml")) == first


def test_render_refuses_a_folder_it_did_not_write(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    result = run(capsys, *_args("--image", IMAGE, "--out", str(tmp_path)))
    assert result.code == 2 and "was not written by" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "--env", "qa", "--outputs", str(OUTPUTS), "--image", IMAGE], "There is no environment 'qa'"),
        (["render", "--env", "prod", "--outputs", str(OUTPUTS), "--image", IMAGE.split(":")[0]], "The image '123456789012.dkr.ecr"),
        (["render", "--env", "prod", "--image", IMAGE], "No layer outputs for prod"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    result = run(capsys, *args, "--dir", str(skeleton_dir()))
    assert result.code == 2
    assert result.stderr.startswith(f"Error: {message}") and "Hint:" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_broken_service_yaml_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "service.yaml").write_text("name: Orders\nowner: team-a\nskeleton_version: 1.0.0\n")
    result = run(capsys, "render", "--env", "prod", "--dir", str(tmp_path), "--outputs", str(OUTPUTS), "--image", IMAGE)
    assert result.code == 2 and "name" in result.stderr and result.stdout == ""


def test_render_json_is_the_same_objects(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    import yaml

    result = run(capsys, *_args("--image", IMAGE, "--json"))
    assert result.code == 0, result.stderr
    golden = [doc for doc in yaml.safe_load_all((TESTDATA / "golden" / "skeleton-prod.yaml").read_text()) if doc]
    assert json.loads(result.stdout) == golden
