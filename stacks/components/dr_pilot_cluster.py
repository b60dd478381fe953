"""The pilot-light EKS cluster in the DR region: the cluster layer's components, scaled to idle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.components.cluster_security_groups import ClusterSecurityGroups, ClusterSecurityGroupsArgs
from stacks.components.eks_cluster import EksCluster, EksClusterArgs
from stacks.components.node_group import NodeGroups, NodeGroupsArgs, NodeGroupSpec
from stacks.components.tier_security_groups import DATA_PORTS


@dataclass
class DrPilotClusterArgs:
    version: pulumi.Input[str] | str
    vpc_id: pulumi.Input[str]  # the DR VPC: the cluster's own control-plane and node security groups
    subnet_ids: Sequence[pulumi.Input[str]]  # the DR VPC's private subnets
    data_security_group_id: pulumi.Input[str]  # the DR data tier's group: admits the nodes, as the primary's data layer does
    logs_key_arn: pulumi.Input[str]  # the DR region's logs key (a log group's key must be in its region)
    admin_role_name: str
    log_retention_days: int
    node_group: NodeGroupSpec  # min = desired = pilot_light_min_nodes; max = the primary's, reached on failover
    production: bool  # as the cluster layer: EKS deletion protection, and protect on the cluster, its secrets key and logs
    tags: dict[str, str]


class DrPilotCluster(pulumi.ComponentResource):
    """Reuses ClusterSecurityGroups, EksCluster and NodeGroups unchanged, wired as the cluster layer wires them
    (private endpoint only, KMS secrets encryption, every control-plane log, IMDSv2 nodes, the control plane
    and the nodes each in their own security group, deletion protection in production): the caller passes the
    DR provider in opts and every child inherits it.

    A failover raises the node group's min/desired (NodeGroups ignores later desiredSize drift, so the
    next `up` does not scale it back down while the DR region serves).
    """

    cluster_name: pulumi.Output[str]
    node_group_name: pulumi.Output[str]
    node_security_group_id: pulumi.Output[str]
    node_role_arn: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: DrPilotClusterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:dr:DrPilotCluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        cluster_name = f"{name}-eks"  # EksCluster names the EKS cluster after its resource name
        groups = ClusterSecurityGroups(f"{cluster_name}-sg", ClusterSecurityGroupsArgs(
            vpc_id=args.vpc_id, cluster_name=cluster_name, tags=args.tags), opts=child)
        cluster = EksCluster(cluster_name, EksClusterArgs(
            version=args.version, subnet_ids=args.subnet_ids, public_endpoint_cidrs=[],  # DR API: private only
            log_retention_days=args.log_retention_days, logs_key_arn=args.logs_key_arn,
            admin_role_name=args.admin_role_name, tags=args.tags, security_group_ids=[groups.control_plane_id],
            protect=args.production), opts=child)
        nodes = NodeGroups(f"{name}-nodes", NodeGroupsArgs(
            cluster_name=cluster.name, subnet_ids=args.subnet_ids, groups=[args.node_group], tags=args.tags,
            security_group_ids=[groups.node_id]), opts=child)
        # The DR data tier admits the application tier's group; pods run with the node group, so it is admitted too,
        # or the services could not reach the promoted replica after a failover.
        for port, what in DATA_PORTS:
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-data-from-nodes-{port}", security_group_id=args.data_security_group_id,
                referenced_security_group_id=groups.node_id, ip_protocol="tcp", from_port=port, to_port=port,
                description=f"{what} from the DR cluster's nodes", tags=args.tags, opts=child)
        self.cluster_name = cluster.name
        self.node_group_name = nodes.node_group_names[args.node_group.name]
        self.node_security_group_id = groups.node_id
        self.node_role_arn = nodes.role_arn
        self.kms_key_arn = cluster.kms_key_arn
        self.register_outputs({"clusterName": self.cluster_name, "nodeGroupName": self.node_group_name,
                               "nodeSecurityGroupId": self.node_security_group_id, "nodeRoleArn": self.node_role_arn,
                               "kmsKeyArn": self.kms_key_arn})
