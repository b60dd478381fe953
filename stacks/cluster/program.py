"""The cluster layer: EKS with encrypted secrets, managed node groups, and OIDC for IAM roles for service accounts."""

from __future__ import annotations

import pulumi

from stacks.cluster.settings import ClusterSettings
from stacks.components.cluster_security_groups import ClusterSecurityGroups, ClusterSecurityGroupsArgs
from stacks.components.eks_cluster import EksCluster, EksClusterArgs
from stacks.components.node_group import NodeGroups, NodeGroupsArgs
from stacks.outputs import Layer, export_outputs, reference


def program() -> None:
    s = ClusterSettings.from_config(pulumi.Config())
    network = reference(Layer.NETWORK)
    private_subnets = network.get("privateSubnetIds")
    groups = ClusterSecurityGroups(f"{s.prefix}-sg", ClusterSecurityGroupsArgs(vpc_id=network.get("vpcId"), cluster_name=s.prefix, tags=s.tags))
    cluster = EksCluster(s.prefix, EksClusterArgs(
        version=s.version, subnet_ids=private_subnets, public_endpoint_cidrs=s.public_endpoint_cidrs,
        log_retention_days=s.log_retention_days, logs_key_arn=network.get("logsKeyArn"), admin_role_name=s.admin_role_name,
        tags=s.tags, security_group_ids=[groups.control_plane_id], protect=s.production))
    nodes = NodeGroups(f"{s.prefix}-nodes", NodeGroupsArgs(
        cluster_name=cluster.name, subnet_ids=private_subnets, groups=s.node_groups, tags=s.tags,
        security_group_ids=[groups.node_id]))
    export_outputs(Layer.CLUSTER, {
        "clusterName": cluster.name, "clusterEndpoint": cluster.endpoint, "clusterCertificateAuthority": cluster.certificate_authority,
        "clusterSecurityGroupId": cluster.cluster_security_group_id, "nodeSecurityGroupId": groups.node_id,
        "nodeRoleArn": nodes.role_arn, "oidcProviderArn": cluster.oidc_provider_arn, "oidcProviderUrl": cluster.oidc_provider_url,
        "clusterKmsKeyArn": cluster.kms_key_arn, "kubernetesVersion": s.version,
    })
