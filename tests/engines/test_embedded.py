"""The embedded engine records every resource, chains layers through StackReferences, and hides secrets."""

from __future__ import annotations

import pytest

from platformctl.engines.base import LayerInput
from platformctl.engines.embedded.runner import EmbeddedEngine
from platformctl.errors import StackProgramError

UP = LayerInput(
    "network", "platform-network", "tests.engines.fake_stacks.upstream", {"vpcCidr": "10.0.0.0/16", "tags": {"team": "platform"}}, region="eu-west-1"
)
DOWN = LayerInput("cluster", "platform-cluster", "tests.engines.fake_stacks.downstream", {}, depends_on=("network",), region="eu-west-1")


@pytest.fixture(scope="module")
def layers():
    return EmbeddedEngine().plan([UP, DOWN], stack="prod")


def test_every_resource_is_recorded_with_its_properties(layers) -> None:
    up = layers[0]
    vpc = one(up, "aws:ec2/vpc:Vpc")
    assert vpc.inputs == {"cidrBlock": "10.0.0.0/16", "tags": {"team": "platform"}}
    assert vpc.region == "eu-west-1" and vpc.urn.startswith("urn:pulumi:prod::platform-network::")
    key = one(up, "aws:kms/key:Key")
    assert key.protect and key.region == "eu-central-1", "a resource on an explicit provider takes its region"
    assert key.provider and key.provider.endswith("::other-region")


def test_cloud_only_values_are_unknown_not_invented(layers) -> None:
    up = layers[0]
    assert up.outputs["vpcId"] == "(known after apply: vpc.id)"
    assert up.outputs["logsKeyArn"] == "(known after apply: key.arn)"


def test_downstream_reads_upstream_outputs(layers) -> None:
    down = layers[1]
    group = one(down, "aws:ec2/securityGroup:SecurityGroup")
    assert group.inputs["vpcId"] == "(known after apply: vpc.id)"
    policy = one(down, "aws:iam/policy:Policy")
    assert policy.inputs["policy"] == '{"Resource": "(known after apply: key.arn)"}', "apply() runs on upstream values"
    assert down.outputs["kubernetesVersion"] == "eu-west-1a"
    assert any(r.type == "pulumi:pulumi:StackReference" for r in down.resources)


def test_numbers_only_the_cloud_knows_are_marked_unknown(layers) -> None:
    vm = one(layers[1], "aws:ec2/instance:Instance")
    assert vm.inputs["launchTemplate"] == {"id": "(known after apply: lt.id)", "version": "(known after apply: unknown during plan)"}


def test_secrets_never_reach_the_plan(layers) -> None:
    text = "".join(layer.model_dump_json() for layer in layers)
    assert "canary-s3cr3t-value" not in text and "hidden" not in text
    secret = one(layers[0], "aws:secretsmanager/secretVersion:SecretVersion")
    assert secret.inputs["secretString"] == "[secret]"
    assert layers[0].outputs["vpcCidr"] == "[secret]"
    read_downstream = one(layers[1], "aws:ec2/vpc:Vpc")
    assert read_downstream.inputs["tags"] == "[secret]", "a secret read through a StackReference stays secret"


def test_two_runs_give_identical_plans() -> None:
    first = [layer.model_dump_json() for layer in EmbeddedEngine().plan([UP, DOWN], stack="prod")]
    second = [layer.model_dump_json() for layer in EmbeddedEngine().plan([UP, DOWN], stack="prod")]
    assert first == second


def test_a_missing_upstream_is_an_error_naming_the_reference() -> None:
    with pytest.raises(StackProgramError) as caught:
        EmbeddedEngine().plan([DOWN], stack="prod")
    assert "platform-network" in caught.value.message


def test_a_broken_program_is_one_error_naming_the_layer() -> None:
    broken = LayerInput("network", "platform-network", "tests.engines.fake_stacks.upstream", {"tags": {}}, region="eu-west-1")
    with pytest.raises(StackProgramError) as caught:
        EmbeddedEngine().plan([broken], stack="dev")
    assert "network layer's program failed" in caught.value.message and "vpcCidr" in caught.value.message


def one(layer, type_token):
    found = [r for r in layer.resources if r.type == type_token]
    assert len(found) == 1, f"expected one {type_token}, got {[r.name for r in found]}"
    return found[0]


def test_two_resources_with_one_urn_are_a_program_error() -> None:
    layer = LayerInput("network", "platform-network", "tests.engines.fake_stacks.duplicate", {}, region="eu-west-1")
    with pytest.raises(StackProgramError) as caught:
        EmbeddedEngine().plan([layer], stack="dev")
    assert "registered 2 resources with one URN" in caught.value.message and "aws:ec2/vpc:Vpc::vpc" in caught.value.message
