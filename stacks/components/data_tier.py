"""Where every data store of the data layer sits: the VPC's isolated subnets, the only clients, logs, tags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from stacks.components.cluster_only_security_group import cluster_only_security_group


@dataclass(frozen=True)
class DataTier:
    """What PostgreSQL, Redis and OpenSearch share; each store adds its own key, sizes and names."""

    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]  # the isolated (data) subnets
    client_security_group_ids: Sequence[pulumi.Input[str]]  # the only sources a store admits on its port
    logs_key_arn: pulumi.Input[str]  # encrypts every store's CloudWatch log groups
    log_retention_days: int
    tags: dict[str, str] = field(default_factory=dict)

    def security_group(
        self, name: str, *, parent: pulumi.Resource, group_name: str, description: str, port: int, rule_description: str
    ) -> aws.ec2.SecurityGroup:
        """A store's security group: `port` from the tier's clients only (`<name>-sg`, `<name>-ingress-<i>`)."""
        return cluster_only_security_group(
            name,
            parent=parent,
            vpc_id=self.vpc_id,
            group_name=group_name,
            description=description,
            port=port,
            sources=self.client_security_group_ids,
            rule_description=rule_description,
            tags=self.tags,
        )

    def log_group(self, resource_name: str, *, parent: pulumi.Resource, group_name: str) -> aws.cloudwatch.LogGroup:
        """A log group a store publishes into, made before the store: AWS would otherwise create it unencrypted, kept forever."""
        return aws.cloudwatch.LogGroup(
            resource_name,
            name=group_name,
            retention_in_days=self.log_retention_days,
            kms_key_id=self.logs_key_arn,
            tags=self.tags,
            opts=pulumi.ResourceOptions(parent=parent),
        )
