"""The plan on a terminal, in a pipe or a file: no type token cut, a total per layer, and the tree optional."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from platformctl.cli.plan_view import print_plan
from platformctl.plan.model import LayerPlan, Plan, PlanResource
from tests.cli.runner import run

LONG_TYPES = [
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV3",  # differs only at the end
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
]


def _plan() -> Plan:
    layers = []
    for layer, types in (("data", LONG_TYPES), ("network", ["aws:ec2/vpc:Vpc", "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet"])):
        resources = [
            PlanResource(urn=f"urn:pulumi:prod::p::{t}::r{i}", type=t, name=f"a-rather-long-resource-name-{layer}-{i}", layer=layer, region="eu-central-1")
            for i, t in enumerate(types)
        ]
        layers.append(LayerPlan(name=layer, project=f"platform-{layer}", stack="prod", resources=resources))
    return Plan(environment="prod", organisation="acme", primary_region="eu-west-1", dr_region="eu-central-1", source="platform.yaml", layers=layers)


def _render(width: int, *, trees: bool = True) -> str:
    buffer = io.StringIO()
    print_plan(Console(file=buffer, width=width, no_color=True, force_terminal=False), _plan(), trees=trees)
    return buffer.getvalue()


@pytest.mark.parametrize("width", [40, 80, 200])
def test_no_type_token_is_ever_cut(width) -> None:
    text = _render(width)
    assert "…" not in text
    for type_token in LONG_TYPES:
        assert text.count(type_token) >= 2, f"{type_token} must appear whole in the tree and the table at width {width}"
    table_rows = [line for line in text.splitlines() if "BucketServerSideEncryptionConfigurationV" in line and "│" in line]
    assert len(set(table_rows)) == len(table_rows) == 2, "two different types must stay two different rows"


def test_each_layer_has_its_total() -> None:
    text = _render(80, trees=False)
    assert "Plan for prod: 6 resources in 2 layers" in text
    totals = {line.split("│")[2].strip(): line.split("│")[4].strip() for line in text.splitlines() if " total " in line}
    assert totals == {"data total": "3", "network total": "3"}


def test_the_tree_can_be_left_out() -> None:
    assert "a-rather-long-resource-name" in _render(80) and "a-rather-long-resource-name" not in _render(80, trees=False)


def test_plan_summary_shows_only_the_table(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(capsys, "plan", "--layer", "messaging", "--summary")
    assert result.code == 0, result.stderr
    assert "Plan for dev:" in result.stdout and "messaging total" in result.stdout
    assert "platform-messaging (dev)" not in result.stdout, "--summary leaves the tree out"
