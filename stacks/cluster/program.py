"""The cluster layer: EKS with encrypted secrets, managed node groups, and OIDC for IAM roles for service accounts."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi

from stacks.components.cluster_security_groups import ClusterSecurityGroups, ClusterSecurityGroupsArgs
from stacks.components.eks_cluster import EksCluster, EksClusterArgs
from stacks.components.node_group import NodeGroups, NodeGroupsArgs, NodeGroupSpec
from stacks.outputs import Layer, export_outputs, reference


@dataclass(frozen=True)
class ClusterSettings:
    """The layer's Pulumi config, typed (keys as Pulumi.yaml declares them)."""

    name: str  # <organisation>-<environment>: the cluster's name and the prefix of physical names
    production: bool
    tags: dict[str, str]
    version: str
    public_endpoint_cidrs: list[str]
    node_groups: list[NodeGroupSpec]
    admin_role_name: str
    log_retention_days: int

    @classmethod
    def from_config(cls, config: pulumi.Config) -> ClusterSettings:
        settings = cls(
            name=f"{config.require('organisation')}-{config.require('environment')}",
            production=config.get_bool("production") or False, tags=config.require_object("tags"),
            version=config.require("kubernetesVersion"), public_endpoint_cidrs=config.get_object("publicEndpointCidrs") or [],
            node_groups=[NodeGroupSpec(name=g["name"], instance_types=g["instance_types"], min=g["min"], desired=g["desired"],
                                       max=g["max"], disk_gb=g["disk_gb"]) for g in config.require_object("nodeGroups")],
            admin_role_name=config.require("adminRoleName"), log_retention_days=config.require_int("logRetentionDays"))
        for cidr in settings.public_endpoint_cidrs:
            if ipaddress.ip_network(cidr, strict=True).prefixlen == 0:
                raise ValueError(f"publicEndpointCidrs: {cidr} would open the Kubernetes API to the internet")
        if settings.production and settings.public_endpoint_cidrs:
            raise ValueError("publicEndpointCidrs must be empty in production: the API endpoint is private only")
        return settings


def program() -> None:
    s = ClusterSettings.from_config(pulumi.Config())
    network = reference(Layer.NETWORK)
    private_subnets = network.get("privateSubnetIds")
    groups = ClusterSecurityGroups(f"{s.name}-sg", ClusterSecurityGroupsArgs(vpc_id=network.get("vpcId"), cluster_name=s.name, tags=s.tags))
    cluster = EksCluster(s.name, EksClusterArgs(
        version=s.version, subnet_ids=private_subnets, public_endpoint_cidrs=s.public_endpoint_cidrs,
        log_retention_days=s.log_retention_days, logs_key_arn=network.get("logsKeyArn"), admin_role_name=s.admin_role_name,
        tags=s.tags, security_group_ids=[groups.control_plane_id], protect=s.production))
    nodes = NodeGroups(f"{s.name}-nodes", NodeGroupsArgs(
        cluster_name=cluster.name, subnet_ids=private_subnets, groups=s.node_groups, tags=s.tags,
        security_group_ids=[groups.node_id]))
    export_outputs(Layer.CLUSTER, {
        "clusterName": cluster.name, "clusterEndpoint": cluster.endpoint, "clusterCertificateAuthority": cluster.certificate_authority,
        "clusterSecurityGroupId": cluster.cluster_security_group_id, "nodeSecurityGroupId": groups.node_id,
        "nodeRoleArn": nodes.role_arn, "oidcProviderArn": cluster.oidc_provider_arn, "oidcProviderUrl": cluster.oidc_provider_url,
        "clusterKmsKeyArn": cluster.kms_key_arn, "kubernetesVersion": s.version,
    })
