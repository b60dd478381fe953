"""The plan document depends on the inputs only: the platform.yaml path as given (not where the checkout is),
and numbers as the program wrote them (integers stay integers)."""

from __future__ import annotations

import json
import re

from platformctl.config.sample import sample_text
from platformctl.engines.embedded.recorder import _plain
from tests.cli.runner import run


def test_two_checkouts_give_identical_documents(capsys, tmp_path, monkeypatch) -> None:
    documents = []
    for checkout in ("one", "two/deeper"):
        folder = tmp_path / checkout
        folder.mkdir(parents=True)
        (folder / "platform.yaml").write_text(sample_text())
        monkeypatch.chdir(folder)
        result = run(capsys, "plan", "--layer", "messaging", "--json")
        assert result.code == 0, result.stderr
        documents.append(result.stdout)
    assert json.loads(documents[0])["source"] == "platform.yaml"
    assert documents[0] == documents[1], "the same platform.yaml in two folders must give the same bytes"


def test_a_named_file_is_recorded_as_given(capsys, tmp_path, monkeypatch) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "us.yaml").write_text(sample_text())
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    result = run(capsys, "plan", "--layer", "messaging", "--json", "--file", "../config/us.yaml")
    assert json.loads(result.stdout)["source"] == "../config/us.yaml"


def test_integers_stay_integers(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(capsys, "plan", "--layer", "messaging", "--json")
    document = json.loads(result.stdout)
    queues = [r for r in document["layers"][0]["resources"] if r["type"] == "aws:sqs/queue:Queue"]
    assert queues and all(type(q["inputs"]["messageRetentionSeconds"]) is int for q in queues)
    assert not re.search(r": -?\d+\.0\b", result.stdout), "a whole number must not be printed as a float"


def test_the_recorder_keeps_fractions_and_inexact_numbers_as_floats() -> None:
    assert _plain({"a": [90.0, 0.5], "b": float(2**60), "c": -3.0, "d": True}) == {"a": [90, 0.5], "b": float(2**60), "c": -3, "d": True}
    assert type(_plain(90.0)) is int and type(_plain(0.5)) is float and type(_plain(float(2**60))) is float
