"""`platformctl plan`: sample fallback, stable JSON, --out, and bad input without traceback or files."""

from __future__ import annotations

import json

import pytest

from platformctl.plan.model import PLAN_SCHEMA_VERSION
from tests.cli.runner import run

LAYER = "messaging"  # a layer with no dependencies keeps these tests quick


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_plan_json_is_versioned_and_byte_stable(capsys, in_tmp) -> None:
    first = run(capsys, "plan", "--env", "prod", "--layer", LAYER, "--json")
    assert first.code == 0, first.stderr
    assert "built-in sample" in first.stderr, "planning the sample must be said on stderr"
    doc = json.loads(first.stdout)
    assert doc["schema_version"] == PLAN_SCHEMA_VERSION and doc["environment"] == "prod"
    assert [layer["name"] for layer in doc["layers"]] == [LAYER]
    resource = doc["layers"][0]["resources"][0]
    assert set(resource) >= {"urn", "type", "name", "layer", "region", "parent", "provider", "dependencies", "protect", "inputs"}
    second = run(capsys, "plan", "--env", "prod", "--layer", LAYER, "--json")
    assert first.stdout == second.stdout, "two plans of the same input must be identical bytes"


def test_plan_out_writes_the_same_document(capsys, in_tmp) -> None:
    result = run(capsys, "plan", "--env", "dev", "--layer", LAYER, "--json", "--out", "plan.json")
    assert result.code == 0, result.stderr
    assert (in_tmp / "plan.json").read_text() == result.stdout


def test_plan_human_output_has_tree_and_summary(capsys, in_tmp) -> None:
    result = run(capsys, "plan", "--env", "dev", "--layer", LAYER)
    assert result.code == 0, result.stderr
    assert "platform-messaging (dev)" in result.stdout and "Plan for dev:" in result.stdout
    assert "aws:sqs/queue:Queue" in result.stdout


def test_unknown_environment_lists_the_valid_ones(capsys, in_tmp) -> None:
    result = run(capsys, "plan", "--env", "qa", "--out", "plan.json")
    assert result.code == 2
    assert "no environment 'qa'" in result.stderr and "dev, staging, prod" in result.stderr
    assert "Traceback" not in result.stderr and not (in_tmp / "plan.json").exists()


def test_unknown_layer_lists_the_valid_ones(capsys, in_tmp) -> None:
    result = run(capsys, "plan", "--layer", "dns")
    assert result.code == 2 and "no layer 'dns'" in result.stderr and "network" in result.stderr


def test_broken_platform_file_lists_every_problem_and_writes_nothing(capsys, in_tmp) -> None:
    (in_tmp / "platform.yaml").write_text("organisation: Bad Name\ndomain: x\nregions: {primary: eu-west-1, dr: eu-west-1}\nenvironments: {}\n")
    result = run(capsys, "plan", "--out", "plan.json")
    assert result.code == 2, result.stderr
    lines = [l for l in result.stderr.splitlines() if l.startswith("  - ")]
    assert len(lines) >= 4, result.stderr
    assert any("organisation:" in l and "(line 1)" in l for l in lines)
    assert "Traceback" not in result.stderr and not (in_tmp / "plan.json").exists()


def test_missing_explicit_file_is_a_usage_error(capsys, in_tmp) -> None:
    result = run(capsys, "plan", "--file", "nope.yaml")
    assert result.code == 2 and "nope.yaml does not exist" in result.stderr and "platformctl init" in result.stderr


def test_an_unbuilt_layer_is_refused_clearly(capsys, in_tmp, monkeypatch) -> None:
    import platformctl.engines.layers as layers

    monkeypatch.setattr(layers, "is_built", lambda spec: spec.name != "messaging")
    result = run(capsys, "plan", "--layer", "messaging")
    assert result.code == 2 and "not built yet" in result.stderr


def test_full_prod_plan_is_byte_stable(capsys, in_tmp) -> None:
    # Many layers and threads: the order of inputs inside resources must not leak into the bytes.
    first = run(capsys, "plan", "--env", "prod", "--layer", "data", "--json")
    second = run(capsys, "plan", "--env", "prod", "--layer", "data", "--json")
    assert first.code == 0 and first.stdout == second.stdout
