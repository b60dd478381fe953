"""The cluster layer: EKS with encrypted secrets, managed node groups, and OIDC for IAM roles for service accounts."""

from __future__ import annotations

import pulumi

from stacks.components.eks_cluster import EksCluster, EksClusterArgs
from stacks.components.node_group import NodeGroups, NodeGroupsArgs, NodeGroupSpec
from stacks.outputs import Layer, export_outputs, reference


def program() -> None:
    config = pulumi.Config()
    name = f"{config.require('organisation')}-{config.require('environment')}"
    tags = config.require_object("tags")
    network = reference(Layer.NETWORK)
    private_subnets = network.get("privateSubnetIds")
    cluster = EksCluster(name, EksClusterArgs(
        version=config.require("kubernetesVersion"), subnet_ids=private_subnets,
        public_endpoint_cidrs=config.get_object("publicEndpointCidrs") or [],
        log_retention_days=config.require_int("logRetentionDays"), logs_key_arn=network.get("logsKeyArn"),
        admin_role_name=config.require("adminRoleName"), tags=tags))
    specs = [NodeGroupSpec(name=g["name"], instance_types=g["instance_types"], min=g["min"], desired=g["desired"], max=g["max"], disk_gb=g["disk_gb"])
             for g in config.require_object("nodeGroups")]
    nodes = NodeGroups(f"{name}-nodes", NodeGroupsArgs(cluster_name=cluster.name, subnet_ids=private_subnets, groups=specs, tags=tags))
    export_outputs(Layer.CLUSTER, {
        "clusterName": cluster.name, "clusterEndpoint": cluster.endpoint, "clusterCertificateAuthority": cluster.certificate_authority,
        "clusterSecurityGroupId": cluster.cluster_security_group_id, "nodeSecurityGroupId": cluster.cluster_security_group_id,
        "nodeRoleArn": nodes.role_arn, "oidcProviderArn": cluster.oidc_provider_arn, "oidcProviderUrl": cluster.oidc_provider_url,
        "clusterKmsKeyArn": cluster.kms_key_arn, "kubernetesVersion": config.require("kubernetesVersion"),
    })
