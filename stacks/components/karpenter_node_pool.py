"""Karpenter's default NodePool and EC2NodeClass: where and what it may launch, within a CPU limit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s
from pulumi_kubernetes.apiextensions import CustomResource

NODE_CLASS = "default"


@dataclass
class KarpenterNodePoolArgs:
    provider: k8s.Provider
    cluster_name: pulumi.Input[str]
    node_role_arn: pulumi.Input[str]
    node_security_group_id: pulumi.Input[str]
    private_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    cpu_limit: int
    allow_spot: bool
    disk_gb: int = 50
    tags: dict[str, str] = field(default_factory=dict)
    depends_on: list[pulumi.Resource] = field(default_factory=list)


class KarpenterNodePool(pulumi.ComponentResource):
    """Nodes in the private subnets, IMDSv2 only, encrypted disks, consolidated when under-used."""

    node_pool_name: str

    def __init__(self, name: str, args: KarpenterNodePoolArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:addons:KarpenterNodePool", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=args.depends_on)
        node_class = CustomResource(
            f"{name}-node-class",
            api_version="karpenter.k8s.aws/v1",
            kind="EC2NodeClass",
            metadata={"name": NODE_CLASS},
            spec={
                "role": pulumi.Output.from_input(args.node_role_arn).apply(lambda arn: arn.split("/")[-1]),
                # Karpenter replaces nodes when a new AL2023 AMI appears, paced by the NodePool's disruption budget.
                "amiSelectorTerms": [{"alias": "al2023@latest"}],
                "subnetSelectorTerms": pulumi.Output.from_input(args.private_subnet_ids).apply(lambda ids: [{"id": i} for i in ids]),
                "securityGroupSelectorTerms": [{"id": args.node_security_group_id}],
                # Hop limit 1: pods cannot reach the node's instance metadata (and its role); they use IRSA.
                "metadataOptions": {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1},
                "blockDeviceMappings": [
                    {"deviceName": "/dev/xvda", "ebs": {"volumeSize": f"{args.disk_gb}Gi", "volumeType": "gp3", "encrypted": True, "deleteOnTermination": True}}
                ],
                "tags": args.tags,
            },
            opts=child,
        )
        capacity = ["spot", "on-demand"] if args.allow_spot else ["on-demand"]
        CustomResource(
            f"{name}-node-pool",
            api_version="karpenter.sh/v1",
            kind="NodePool",
            metadata={"name": "default"},
            spec={
                "template": {
                    "spec": {
                        "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": NODE_CLASS},
                        "requirements": [
                            {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
                            {"key": "karpenter.sh/capacity-type", "operator": "In", "values": capacity},
                            {"key": "karpenter.k8s.aws/instance-category", "operator": "In", "values": ["c", "m", "r"]},
                            {"key": "karpenter.k8s.aws/instance-generation", "operator": "Gt", "values": ["5"]},
                        ],
                        "expireAfter": "720h",
                    }
                },
                "limits": {"cpu": str(args.cpu_limit)},
                "disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "5m", "budgets": [{"nodes": "10%"}]},
            },
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[node_class])),
        )
        self.node_pool_name = "default"
        self.register_outputs({"nodePoolName": self.node_pool_name})
