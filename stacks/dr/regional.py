"""The DR region's network and pilot-light cluster.

INTERIM: the network/cluster layers' components (stacks/components/vpc.py, eks_cluster.py, ...) did
not exist when this layer was written; these functions will instantiate them with the DR provider
instead of declaring resources here. Their return shape is what the program relies on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.components.dr_network import DrNetwork
from stacks.dr.settings import DrSettings


@dataclass
class DrClusterView:
    cluster_name: pulumi.Output[str]
    node_group_name: pulumi.Output[str]


def pilot_cluster(settings: DrSettings, dr: aws.Provider, network: DrNetwork, secrets_key_arn: pulumi.Input[str]) -> DrClusterView:
    opts = pulumi.ResourceOptions(provider=dr)
    tags, prefix, group = settings.tags, settings.name_prefix, settings.pilot_node_group
    role = aws.iam.Role("dr-cluster-role", assume_role_policy=_assume("eks.amazonaws.com"), tags=tags, opts=opts)
    aws.iam.RolePolicyAttachment("dr-cluster-policy", role=role.name,
                                 policy_arn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", opts=opts)
    cluster = aws.eks.Cluster(
        "dr-cluster",
        name=f"{prefix}-eks",
        version=settings.kubernetes_version,
        role_arn=role.arn,
        vpc_config={"subnet_ids": network.private_subnet_ids, "endpoint_private_access": True, "endpoint_public_access": False},
        encryption_config={"resources": ["secrets"], "provider": {"key_arn": secrets_key_arn}},
        enabled_cluster_log_types=["api", "audit", "authenticator", "controllerManager", "scheduler"],
        access_config={"authentication_mode": "API"},
        tags=tags,
        opts=opts,
    )
    node_role = aws.iam.Role("dr-node-role", assume_role_policy=_assume("ec2.amazonaws.com"), tags=tags, opts=opts)
    for i, policy in enumerate(("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly")):
        aws.iam.RolePolicyAttachment(f"dr-node-policy-{i}", role=node_role.name,
                                     policy_arn=f"arn:aws:iam::aws:policy/{policy}", opts=opts)
    template = aws.ec2.LaunchTemplate(
        "dr-node-template",
        metadata_options={"http_tokens": "required", "http_endpoint": "enabled", "http_put_response_hop_limit": 2},
        block_device_mappings=[{"device_name": "/dev/xvda", "ebs": {"volume_size": group["disk_gb"], "encrypted": "true", "volume_type": "gp3"}}],
        tags=tags,
        opts=opts,
    )
    nodes = aws.eks.NodeGroup(
        "dr-pilot-nodes",
        cluster_name=cluster.name,
        node_group_name=f"{prefix}-{group['name']}",
        node_role_arn=node_role.arn,
        subnet_ids=network.private_subnet_ids,
        instance_types=group["instance_types"],
        scaling_config={"min_size": group["min"], "desired_size": group["desired"], "max_size": group["max"]},
        launch_template={"id": template.id, "version": template.latest_version.apply(str)},
        tags=tags,
        opts=opts,
    )
    return DrClusterView(cluster.name, nodes.node_group_name)


def _assume(service: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
