"""Security groups of an EKS cluster: one for the control plane's network interfaces, one for every node.

The rules are those of AWS's reference node group template (amazon-eks-nodegroup.yaml): nodes reach the
API server on 443; the control plane reaches kubelets and webhooks on 443 and 1025-65535; nodes talk to
each other freely (pods, CoreDNS); nodes leave through NAT and the VPC endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

# (from_port, to_port, why) of control plane -> node traffic.
CONTROL_PLANE_TO_NODES = ((443, 443, "admission webhooks on 443"), (1025, 65535, "kubelet (10250) and webhooks on high ports"))


@dataclass
class ClusterSecurityGroupsArgs:
    vpc_id: pulumi.Input[str]
    cluster_name: str  # the node group is tagged as the cluster's own, for the AWS Load Balancer Controller
    tags: dict[str, str] = field(default_factory=dict)


class ClusterSecurityGroups(pulumi.ComponentResource):
    control_plane_id: pulumi.Output[str]
    node_id: pulumi.Output[str]

    def __init__(self, name: str, args: ClusterSecurityGroupsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:cluster:ClusterSecurityGroups", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        control_plane = aws.ec2.SecurityGroup(f"{name}-control-plane", vpc_id=args.vpc_id,
                                              description="EKS control plane: API server from the nodes",
                                              tags={**args.tags, "Name": f"{name}-control-plane"}, opts=child)
        # Exactly one group on a node may carry the cluster tag: the load balancer controller opens it to targets.
        nodes = aws.ec2.SecurityGroup(f"{name}-nodes", vpc_id=args.vpc_id, description="EKS nodes: pods and kubelets",
                                      tags={**args.tags, "Name": f"{name}-nodes", f"kubernetes.io/cluster/{args.cluster_name}": "owned"},
                                      opts=child)

        def ingress(role: str, group: aws.ec2.SecurityGroup, source: aws.ec2.SecurityGroup, protocol: str,
                    ports: tuple[int, int] | None, why: str) -> None:
            aws.vpc.SecurityGroupIngressRule(f"{name}-{role}", security_group_id=group.id, referenced_security_group_id=source.id,
                                             ip_protocol=protocol, from_port=ports[0] if ports else None,
                                             to_port=ports[1] if ports else None, description=why, tags=args.tags, opts=child)

        ingress("api-from-nodes", control_plane, nodes, "tcp", (443, 443), "nodes to the Kubernetes API server")
        for low, high, why in CONTROL_PLANE_TO_NODES:
            ingress(f"nodes-from-control-plane-{low}", nodes, control_plane, "tcp", (low, high), f"control plane to {why}")
            aws.vpc.SecurityGroupEgressRule(f"{name}-control-plane-to-nodes-{low}", security_group_id=control_plane.id,
                                            referenced_security_group_id=nodes.id, ip_protocol="tcp", from_port=low, to_port=high,
                                            description=f"control plane to {why}", tags=args.tags, opts=child)
        ingress("nodes-from-nodes", nodes, nodes, "-1", None, "node to node: pods, CoreDNS, kube-proxy")
        aws.vpc.SecurityGroupEgressRule(f"{name}-nodes-egress", security_group_id=nodes.id, cidr_ipv4="0.0.0.0/0", ip_protocol="-1",
                                        description="nodes out through NAT and the VPC endpoints", tags=args.tags, opts=child)
        self.control_plane_id = control_plane.id
        self.node_id = nodes.id
        self.register_outputs({"controlPlaneId": self.control_plane_id, "nodeId": self.node_id})
