"""The cluster layer under mocks: private endpoint, encrypted secrets, logs, node groups with IMDSv2, IRSA."""

from __future__ import annotations

import pytest

from tests.stacks.conftest import of_type, one_of_type

NODE_GROUPS = {"dev": {"general": (1, 2, 3)}, "prod": {"general": (3, 3, 12), "jobs": (1, 2, 10)}}


@pytest.fixture(params=["dev", "prod"])
def env(request) -> str:
    return request.param


@pytest.fixture
def cluster(layer_plan, env):
    return layer_plan("cluster", env)


def test_control_plane_is_private_encrypted_and_logged(cluster, env) -> None:
    eks = one_of_type(cluster, "aws:eks/cluster:Cluster")
    vpc = eks.inputs["vpcConfig"]
    assert vpc["endpointPrivateAccess"] is True, f"{eks.name}: the private endpoint must be on"
    assert vpc["endpointPublicAccess"] is False, f"{eks.name}: the sample lists no public CIDRs, so the public endpoint must be off"
    assert all("privateSubnetIds" in s for s in vpc["subnetIds"]), f"{eks.name}: the cluster belongs in the private subnets"
    encryption = eks.inputs["encryptionConfig"]
    assert encryption["resources"] == ["secrets"] and encryption["provider"]["keyArn"], f"{eks.name}: secrets need KMS envelope encryption"
    assert set(eks.inputs["enabledClusterLogTypes"]) == {"api", "audit", "authenticator", "controllerManager", "scheduler"}, f"{eks.name}: all control-plane logs"
    assert eks.inputs["version"] == "1.31", f"{eks.name}: version comes from platform.yaml"
    key = one_of_type(cluster, "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True, f"{key.name}: the secrets key must rotate"
    group = one_of_type(cluster, "aws:cloudwatch/logGroup:LogGroup")
    assert group.inputs.get("kmsKeyId") and group.urn in eks.dependencies, f"{group.name}: log group encrypted and created before the cluster"


def test_node_groups_follow_platform_yaml_with_imdsv2(cluster, env) -> None:
    groups = {g.name.rsplit("-", 1)[-1]: g for g in of_type(cluster, "aws:eks/nodeGroup:NodeGroup")}
    assert set(groups) == set(NODE_GROUPS[env]), f"{env}: node groups {sorted(groups)}"
    for name, (low, desired, high) in NODE_GROUPS[env].items():
        scaling = groups[name].inputs["scalingConfig"]
        assert (scaling["minSize"], scaling["desiredSize"], scaling["maxSize"]) == (low, desired, high), f"{groups[name].name}: scaling from platform.yaml"
        assert all("privateSubnetIds" in s for s in groups[name].inputs["subnetIds"]), f"{groups[name].name}: nodes in private subnets"
    for template in of_type(cluster, "aws:ec2/launchTemplate:LaunchTemplate"):
        meta = template.inputs["metadataOptions"]
        assert meta["httpTokens"] == "required" and meta["httpPutResponseHopLimit"] == 1, f"{template.name}: IMDSv2 required with hop limit 1"
        assert template.inputs["blockDeviceMappings"][0]["ebs"]["encrypted"] == "true", f"{template.name}: root volume encrypted"


def test_oidc_provider_and_admin_access_entry(cluster) -> None:
    oidc = one_of_type(cluster, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert oidc.inputs["clientIdLists"] == ["sts.amazonaws.com"], f"{oidc.name}: IRSA audience"
    assert "identities[0].oidcs[0].issuer" in oidc.inputs["url"], f"{oidc.name}: issuer comes from the cluster"
    entry = one_of_type(cluster, "aws:eks/accessEntry:AccessEntry")
    assert entry.inputs["principalArn"].endswith(":role/platform-admin"), f"{entry.name}: admin role from platform.yaml"
    association = one_of_type(cluster, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
    assert association.inputs["policyArn"].endswith("AmazonEKSClusterAdminPolicy")
