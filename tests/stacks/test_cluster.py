"""The cluster layer under mocks: every property its issue lists, for the sample's dev and prod."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from platformctl.config.loader import LoadedPlatform, parse_platform
from platformctl.config.sample import sample_text
from platformctl.config.stack_config import layer_config
from platformctl.core.planning import build_plan
from platformctl.engines.embedded.runner import EmbeddedEngine
from platformctl.plan.model import LayerPlan, PlanResource
from stacks.outputs import OUTPUTS, Layer
from tests.stacks.conftest import FakeConfig, assert_platform_tags, fake_upstream, of_type, one_of_type, sample_platform

LOG_TYPES = {"api", "audit", "authenticator", "controllerManager", "scheduler"}
NODE_POLICIES = {f"arn:aws:iam::aws:policy/{p}" for p in ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly")}
NOT_TAGGABLE = {"aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/rolePolicy:RolePolicy", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"}
OFFICE = "203.0.113.0/24"


@pytest.fixture(params=["dev", "prod"])
def env(request) -> str:
    return request.param


@pytest.fixture
def cluster(layer_plan, env) -> LayerPlan:
    return layer_plan("cluster", env)


@pytest.fixture
def config(env) -> dict[str, Any]:
    return layer_config(sample_platform().platform, env, "cluster")


def ref(resource: PlanResource, attr: str = "id") -> str:
    return f"(known after apply: {resource.name}.{attr})"


def upstream(name: str) -> Any:
    """How the plan shows an output of the network layer (see fake_upstream)."""
    return fake_upstream("cluster", sample_platform())["platform-network"][name]


def named(plan: LayerPlan, type_token: str, suffix: str) -> PlanResource:
    found = [r for r in of_type(plan, type_token) if r.name.endswith(suffix)]
    assert len(found) == 1, f"{plan.name}: expected one {type_token} named *{suffix}, found {[r.name for r in of_type(plan, type_token)]}"
    return found[0]


def trusted_services(role: PlanResource) -> list[str]:
    return [s["Principal"]["Service"] for s in json.loads(role.inputs["assumeRolePolicy"])["Statement"]]


def roles_by_service(plan: LayerPlan, service: str) -> PlanResource:
    roles = [r for r in of_type(plan, "aws:iam/role:Role") if trusted_services(r) == [service]]
    assert len(roles) == 1, f"{plan.name}: expected one IAM role trusted by {service}, found {[r.name for r in roles]}"
    return roles[0]


def attached(plan: LayerPlan, role: PlanResource) -> dict[str, PlanResource]:
    return {a.inputs["policyArn"]: a for a in of_type(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            if a.inputs["role"] == ref(role, "name")}


def test_control_plane_endpoint_is_private(cluster, env) -> None:
    eks = one_of_type(cluster, "aws:eks/cluster:Cluster")
    vpc = eks.inputs["vpcConfig"]
    assert vpc["endpointPrivateAccess"] is True, f"{eks.name}: the private API endpoint must be on (endpointPrivateAccess)"
    assert vpc["endpointPublicAccess"] is False, f"{eks.name}: the sample lists no publicEndpointCidrs, so the public endpoint must be off"
    assert not vpc.get("publicAccessCidrs"), f"{eks.name}: no public access CIDRs when the public endpoint is off"
    assert vpc["subnetIds"] == upstream("privateSubnetIds"), f"{eks.name}: the control plane's interfaces belong in the network's private subnets"


def test_public_endpoint_is_restricted_to_the_listed_cidrs() -> None:
    text = sample_text().replace("node_groups: [{name: general, instance_types: [t3.large]",
                                 f"public_endpoint_cidrs: [{OFFICE}]\n      node_groups: [{{name: general, instance_types: [t3.large]", 1)
    loaded = LoadedPlatform(parse_platform(text, source="test"), "test", False)
    assert loaded.platform.environments["dev"].cluster.public_endpoint_cidrs == [OFFICE], "the test platform must list an office CIDR for dev"
    plan = build_plan(engine=EmbeddedEngine(), loaded=loaded, env="dev", layers=["cluster"], upstream=fake_upstream("cluster", loaded)).layer("cluster")
    eks = one_of_type(plan, "aws:eks/cluster:Cluster")
    vpc = eks.inputs["vpcConfig"]
    assert vpc["endpointPublicAccess"] is True and vpc["publicAccessCidrs"] == [OFFICE], f"{eks.name}: public endpoint only for {OFFICE}, got {vpc}"
    assert vpc["endpointPrivateAccess"] is True, f"{eks.name}: nodes still use the private endpoint"


def test_secrets_are_envelope_encrypted_with_a_rotating_key(cluster, env) -> None:
    eks = one_of_type(cluster, "aws:eks/cluster:Cluster")
    key = one_of_type(cluster, "aws:kms/key:Key")
    encryption = eks.inputs["encryptionConfig"]
    assert encryption["resources"] == ["secrets"], f"{eks.name}: envelope encryption must cover secrets (encryptionConfig.resources)"
    assert encryption["provider"]["keyArn"] == ref(key, "arn"), f"{eks.name}: secrets must be encrypted with {key.name}"
    assert key.inputs["enableKeyRotation"] is True, f"{key.name}: the secrets key must rotate (enableKeyRotation)"
    role = roles_by_service(cluster, "eks.amazonaws.com")
    uses = [p for p in of_type(cluster, "aws:iam/rolePolicy:RolePolicy") if p.inputs["role"] == ref(role)]
    statements = [s for p in uses for s in json.loads(p.inputs["policy"])["Statement"]]
    assert any(s["Resource"] == ref(key, "arn") and {"kms:Encrypt", "kms:Decrypt"} <= set(s["Action"]) for s in statements), \
        f"{role.name}: the cluster role must be allowed to use {key.name} (kms:Encrypt/Decrypt on that key only)"
    assert all(s["Resource"] != "*" for s in statements), f"{role.name}: key permissions on the secrets key only, not *"
    assert {p.urn for p in uses} <= set(eks.dependencies), f"{eks.name}: must wait until its role may use the key"


def test_every_control_plane_log_goes_to_a_group_created_first(cluster, config) -> None:
    eks = one_of_type(cluster, "aws:eks/cluster:Cluster")
    group = one_of_type(cluster, "aws:cloudwatch/logGroup:LogGroup")
    assert set(eks.inputs["enabledClusterLogTypes"]) == LOG_TYPES, f"{eks.name}: all control-plane log types {sorted(LOG_TYPES)}"
    assert group.inputs["name"] == f"/aws/eks/{eks.inputs['name']}/cluster", f"{group.name}: must be the group EKS writes to"
    assert group.urn in eks.dependencies, f"{group.name}: must exist before the cluster, or EKS creates it unencrypted and kept forever"
    assert group.inputs["retentionInDays"] == config["logRetentionDays"], f"{group.name}: retention must be logRetentionDays {config['logRetentionDays']}"
    assert group.inputs["kmsKeyId"] == upstream("logsKeyArn"), f"{group.name}: encrypted with the network's logs key (kmsKeyId)"


def test_version_and_name_from_config(cluster, env, config) -> None:
    eks = one_of_type(cluster, "aws:eks/cluster:Cluster")
    assert eks.inputs["version"] == config["kubernetesVersion"], f"{eks.name}: version must be kubernetesVersion {config['kubernetesVersion']}"
    assert eks.inputs["name"] == f"{config['organisation']}-{env}", f"{eks.name}: physical name <organisation>-<environment>"


def test_cluster_role_is_for_eks_with_the_cluster_policy(cluster) -> None:
    eks = one_of_type(cluster, "aws:eks/cluster:Cluster")
    role = roles_by_service(cluster, "eks.amazonaws.com")
    assert eks.inputs["roleArn"] == ref(role, "arn"), f"{eks.name}: must run as {role.name}"
    policies = attached(cluster, role)
    assert set(policies) == {"arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"}, f"{role.name}: needs AmazonEKSClusterPolicy only, got {sorted(policies)}"
    assert all(p.urn in eks.dependencies for p in policies.values()), f"{eks.name}: must wait for its role's policy"


def test_admin_role_gets_cluster_admin_through_an_access_entry(cluster, config) -> None:
    eks = one_of_type(cluster, "aws:eks/cluster:Cluster")
    assert eks.inputs["accessConfig"]["authenticationMode"] in ("API", "API_AND_CONFIG_MAP"), f"{eks.name}: access entries need authentication mode API"
    entry = one_of_type(cluster, "aws:eks/accessEntry:AccessEntry")
    arn = entry.inputs["principalArn"]
    assert re.fullmatch(rf"arn:aws:iam::\(known after apply: account id\):role/{config['adminRoleName']}", arn), \
        f"{entry.name}: principal must be role/{config['adminRoleName']} of the deploying account, got {arn}"
    assert entry.inputs["clusterName"] == eks.inputs["name"], f"{entry.name}: must belong to {eks.name}"
    association = one_of_type(cluster, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
    assert association.inputs["policyArn"] == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", (
        f"{association.name}: AmazonEKSClusterAdminPolicy"
    )
    assert association.inputs["principalArn"] == arn and association.inputs["accessScope"] == {"type": "cluster"}, (
        f"{association.name}: cluster-wide, for the admin entry"
    )


def test_node_groups_follow_the_config_in_private_subnets(cluster, env, config) -> None:
    groups = {g.name.rsplit("-", 1)[-1]: g for g in of_type(cluster, "aws:eks/nodeGroup:NodeGroup")}
    wanted = {g["name"]: g for g in config["nodeGroups"]}
    assert set(groups) == set(wanted), f"cluster/{env}: node groups {sorted(groups)}, config lists {sorted(wanted)}"
    eks = one_of_type(cluster, "aws:eks/cluster:Cluster")
    role = roles_by_service(cluster, "ec2.amazonaws.com")
    for name, spec in wanted.items():
        group = groups[name]
        scaling = group.inputs["scalingConfig"]
        assert (scaling["minSize"], scaling["desiredSize"], scaling["maxSize"]) == (spec["min"], spec["desired"], spec["max"]), (
            f"{group.name}: min/desired/max from nodeGroups"
        )
        assert group.inputs["instanceTypes"] == spec["instance_types"], f"{group.name}: instance types from nodeGroups"
        assert group.inputs["subnetIds"] == upstream("privateSubnetIds"), f"{group.name}: nodes belong in the network's private subnets"
        assert group.inputs["clusterName"] == eks.inputs["name"], f"{group.name}: must join {eks.name}"
        assert group.inputs["nodeRoleArn"] == ref(role, "arn"), f"{group.name}: nodes run as {role.name}"
        template = named(cluster, "aws:ec2/launchTemplate:LaunchTemplate", f"-{name}-lt")
        assert group.inputs["launchTemplate"]["id"] == ref(template), f"{group.name}: must launch from {template.name}"
        disk = template.inputs["blockDeviceMappings"][0]["ebs"]
        assert disk["volumeSize"] == spec["disk_gb"], f"{template.name}: root volume of disk_gb {spec['disk_gb']}"
    assert env != "prod" or len(groups) == 2, "the sample's prod lists two node groups (general, jobs)"


def test_node_role_has_worker_cni_and_ecr_read_policies(cluster) -> None:
    role = roles_by_service(cluster, "ec2.amazonaws.com")
    policies = attached(cluster, role)
    assert set(policies) == NODE_POLICIES, f"{role.name}: nodes need exactly {sorted(NODE_POLICIES)}, got {sorted(policies)}"
    for group in of_type(cluster, "aws:eks/nodeGroup:NodeGroup"):
        assert {p.urn for p in policies.values()} <= set(group.dependencies), f"{group.name}: must wait for the node role's policies"


def test_launch_templates_require_imdsv2_and_encrypted_gp3(cluster) -> None:
    for template in of_type(cluster, "aws:ec2/launchTemplate:LaunchTemplate"):
        meta = template.inputs["metadataOptions"]
        assert meta["httpTokens"] == "required", f"{template.name}: IMDSv2 required (httpTokens)"
        assert meta["httpPutResponseHopLimit"] == 1, f"{template.name}: hop limit 1 keeps pods off the node's credentials"
        assert meta.get("httpEndpoint", "enabled") == "enabled", f"{template.name}: the metadata endpoint stays on for the kubelet"
        disk = template.inputs["blockDeviceMappings"][0]
        assert disk["deviceName"] == "/dev/xvda", f"{template.name}: the mapping must be the root volume"
        assert disk["ebs"]["encrypted"] == "true" and disk["ebs"]["volumeType"] == "gp3", f"{template.name}: root volume encrypted gp3"


def test_oidc_provider_for_service_account_roles(cluster) -> None:
    eks = one_of_type(cluster, "aws:eks/cluster:Cluster")
    oidc = one_of_type(cluster, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert oidc.inputs["url"] == ref(eks, "identities[0].oidcs[0].issuer"), f"{oidc.name}: URL must be {eks.name}'s issuer"
    assert oidc.inputs["clientIdLists"] == ["sts.amazonaws.com"], f"{oidc.name}: client id (audience) must be sts.amazonaws.com"
    thumbprints = oidc.inputs["thumbprintLists"]
    assert len(thumbprints) == 1 and re.fullmatch(r"[0-9a-f]{40}", thumbprints[0]), f"{oidc.name}: one SHA-1 root CA thumbprint, got {thumbprints}"


def test_nodes_and_control_plane_reach_each_other(cluster) -> None:
    eks = one_of_type(cluster, "aws:eks/cluster:Cluster")
    control_plane = named(cluster, "aws:ec2/securityGroup:SecurityGroup", "-control-plane")
    nodes = named(cluster, "aws:ec2/securityGroup:SecurityGroup", "-nodes")
    for group in (control_plane, nodes):
        assert group.inputs["vpcId"] == upstream("vpcId"), f"{group.name}: must be in the network's VPC"
        assert not group.inputs.get("ingress") and not group.inputs.get("egress"), f"{group.name}: rules belong in separate rule resources"
    assert eks.inputs["vpcConfig"]["securityGroupIds"] == [ref(control_plane)], f"{eks.name}: control plane interfaces carry {control_plane.name}"
    for template in of_type(cluster, "aws:ec2/launchTemplate:LaunchTemplate"):
        assert template.inputs["vpcSecurityGroupIds"] == [ref(nodes)], f"{template.name}: nodes carry {nodes.name}"
    assert nodes.inputs["tags"].get(f"kubernetes.io/cluster/{eks.inputs['name']}") == "owned", (
        f"{nodes.name}: the load balancer controller finds nodes by the cluster tag"
    )

    def rule(kind: str, group: PlanResource, peer: PlanResource, port: int) -> bool:
        return any(r.inputs["securityGroupId"] == ref(group) and r.inputs.get("referencedSecurityGroupId") == ref(peer)
                   and r.inputs["ipProtocol"] == "tcp" and r.inputs["fromPort"] <= port <= r.inputs["toPort"]
                   for r in cluster.by_type(f"aws:vpc/securityGroup{kind}Rule:SecurityGroup{kind}Rule"))

    assert rule("Ingress", control_plane, nodes, 443), f"{control_plane.name}: must admit nodes to the API server on 443"
    for port in (443, 10250):
        assert rule("Ingress", nodes, control_plane, port), f"{nodes.name}: must admit the control plane on {port} (webhooks, kubelet)"
        assert rule("Egress", control_plane, nodes, port), f"{control_plane.name}: must allow the control plane out to nodes on {port}"
    for r in of_type(cluster, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        assert not r.inputs.get("cidrIpv4") and not r.inputs.get("cidrIpv6"), f"{r.name}: cluster groups admit other groups only, never a CIDR"


def test_production_protects_the_cluster_its_key_and_logs(cluster, env) -> None:
    for type_token in ("aws:eks/cluster:Cluster", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"):
        resource = one_of_type(cluster, type_token)
        assert resource.protect is (env == "prod"), f"{resource.name}: protect in production only, protect={resource.protect}"
    eks = one_of_type(cluster, "aws:eks/cluster:Cluster")
    assert eks.inputs.get("deletionProtection", False) is (env == "prod"), f"{eks.name}: EKS deletion protection in production only"


def test_exports_every_declared_output(cluster, env, config) -> None:
    outputs = cluster.outputs
    assert set(outputs) == set(OUTPUTS[Layer.CLUSTER]), f"cluster/{env}: exports {sorted(outputs)}, declared {sorted(OUTPUTS[Layer.CLUSTER])}"
    for name, kind in OUTPUTS[Layer.CLUSTER].items():
        assert isinstance(outputs[name], kind), f"cluster/{env}: output {name} must be a {kind.__name__}, got {outputs[name]!r}"
    eks = one_of_type(cluster, "aws:eks/cluster:Cluster")
    expected = {
        "clusterName": eks.inputs["name"],
        "clusterEndpoint": ref(eks, "endpoint"),
        "clusterCertificateAuthority": ref(eks, "certificateAuthority.data"),
        "clusterSecurityGroupId": ref(eks, "vpcConfig.clusterSecurityGroupId"),
        "nodeSecurityGroupId": ref(named(cluster, "aws:ec2/securityGroup:SecurityGroup", "-nodes")),
        "nodeRoleArn": ref(roles_by_service(cluster, "ec2.amazonaws.com"), "arn"),
        "oidcProviderArn": ref(one_of_type(cluster, "aws:iam/openIdConnectProvider:OpenIdConnectProvider"), "arn"),
        "oidcProviderUrl": ref(eks, "identities[0].oidcs[0].issuer"),
        "clusterKmsKeyArn": ref(one_of_type(cluster, "aws:kms/key:Key"), "arn"),
        "kubernetesVersion": config["kubernetesVersion"],
    }
    for name, value in expected.items():
        assert outputs[name] == value, f"cluster/{env}: output {name} must be {value!r}, got {outputs[name]!r}"


def test_every_taggable_resource_carries_the_platform_tags(cluster, config) -> None:
    assert_platform_tags(cluster, config["tags"], NOT_TAGGABLE, at_least=15)




@pytest.mark.parametrize(("production", "cidrs", "error"), [
    (False, ["0.0.0.0/0"], "internet"), (False, ["::/0"], "internet"), (True, [OFFICE], "production"),
])
def test_program_refuses_an_open_or_production_public_endpoint(production: bool, cidrs: list[str], error: str) -> None:
    """`pulumi up` in stacks/cluster without platformctl must not open the API either."""
    from stacks.cluster.settings import ClusterSettings

    values = {**layer_config(sample_platform().platform, "dev", "cluster"), "production": production, "publicEndpointCidrs": cidrs}
    with pytest.raises(ValueError, match=error):
        ClusterSettings.from_config(FakeConfig(values))
    values["publicEndpointCidrs"] = [] if production else [OFFICE]
    assert ClusterSettings.from_config(FakeConfig(values)).public_endpoint_cidrs == values["publicEndpointCidrs"]
