"""Managed node groups in the private subnets, IMDSv2 only through a launch template, encrypted gp3 disks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly")


@dataclass
class NodeGroupSpec:
    name: str
    instance_types: list[str]
    min: int
    desired: int
    max: int
    disk_gb: int


@dataclass
class NodeGroupsArgs:
    cluster_name: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    groups: list[NodeGroupSpec]
    tags: dict[str, str] = field(default_factory=dict)
    # Groups of every node's interface; empty: EKS attaches the cluster security group.
    security_group_ids: Sequence[pulumi.Input[str]] = field(default_factory=list)


class NodeGroups(pulumi.ComponentResource):
    """One node IAM role for every group (worker, CNI and ECR read-only policies) and a launch template per group."""

    role_arn: pulumi.Output[str]
    node_group_names: dict[str, pulumi.Output[str]]  # spec name -> the auto-named group's physical name

    def __init__(self, name: str, args: NodeGroupsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:cluster:NodeGroups", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(f"{name}-role", assume_role_policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        }), tags=args.tags, opts=child)
        attachments = [aws.iam.RolePolicyAttachment(f"{name}-{policy}", role=role.name, policy_arn=f"arn:aws:iam::aws:policy/{policy}", opts=child)
                       for policy in NODE_POLICIES]
        self.node_group_names = {}
        for spec in args.groups:
            template = aws.ec2.LaunchTemplate(
                f"{name}-{spec.name}-lt",
                metadata_options={"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 1},
                block_device_mappings=[{"device_name": "/dev/xvda", "ebs": {"volume_size": spec.disk_gb, "volume_type": "gp3", "encrypted": "true"}}],
                vpc_security_group_ids=args.security_group_ids or None, update_default_version=True,
                tag_specifications=[{"resource_type": kind, "tags": args.tags} for kind in ("instance", "volume", "network-interface")],
                tags=args.tags, opts=child)
            group = aws.eks.NodeGroup(
                f"{name}-{spec.name}", cluster_name=args.cluster_name, node_role_arn=role.arn, subnet_ids=args.subnet_ids,
                instance_types=spec.instance_types,
                scaling_config={"min_size": spec.min, "desired_size": spec.desired, "max_size": spec.max},
                # A version number, not $Latest: EKS stores the number and a symbolic version would show a diff on every run.
                launch_template={"id": template.id, "version": template.latest_version.apply(lambda v: None if v is None else str(v))},
                update_config={"max_unavailable": 1}, node_repair_config={"enabled": True}, tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self, depends_on=attachments, ignore_changes=["scalingConfig.desiredSize"]))
            self.node_group_names[spec.name] = group.node_group_name
        self.role_arn = role.arn
        self.register_outputs({"roleArn": role.arn, "nodeGroupNames": self.node_group_names})
