"""A security group that admits one TCP port only from the cluster's security groups (no CIDR ingress)."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws


def cluster_only_security_group(
    name: str,
    *,
    parent: pulumi.Resource,
    vpc_id: pulumi.Input[str],
    group_name: str,
    description: str,
    port: int,
    sources: Sequence[pulumi.Input[str]],
    rule_description: str,
    tags: dict[str, str],
) -> aws.ec2.SecurityGroup:
    """Create `<name>-sg` and one `<name>-ingress-<i>` rule per source group, children of parent."""
    child = pulumi.ResourceOptions(parent=parent)
    group = aws.ec2.SecurityGroup(
        f"{name}-sg", name=group_name, description=description, vpc_id=vpc_id, tags={**tags, "Name": group_name}, opts=child
    )
    for index, source in enumerate(sources):
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-ingress-{index}",
            security_group_id=group.id,
            referenced_security_group_id=source,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            description=rule_description,
            tags=tags,
            opts=child,
        )
    return group
