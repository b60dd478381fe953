"""OpenSearch in the VPC: encrypted, HTTPS only, node-to-node TLS, fine-grained access with an IAM master role."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.components.data_tier import DataTier

TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10"  # TLS 1.2+ with forward-secret ciphers only
LOG_TYPES = ("INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS", "AUDIT_LOGS")
DEDICATED_MASTERS = 3  # an odd number keeps a quorum when one zone is lost


@dataclass
class SearchDomainArgs:
    domain_name: str  # physical name, 3-28 characters
    engine_version: str
    instance_type: str
    instance_count: int
    dedicated_masters: bool
    master_instance_type: str
    volume_gb: int
    az_count: int  # zones the data subnets span
    kms_key_arn: pulumi.Input[str]  # the search key
    account_id: pulumi.Input[str]
    region: str
    partition: str
    tier: DataTier  # isolated subnets (one per zone used); clients admitted on 443 only
    admin_role_name: str = "platform-admin"  # the only principal that may become the master user

    @property
    def zones(self) -> int:
        """Zones the data nodes spread over: 1 node needs 1 subnet; AWS allows 2 or 3 zones otherwise."""
        return 1 if self.instance_count == 1 else min(3, self.az_count, self.instance_count)


class SearchDomain(pulumi.ComponentResource):
    """The domain, its security group, log groups, and the IAM role that is its fine-grained master user."""

    arn: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    master_role_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: SearchDomainArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:data:SearchDomain", name, None, opts)
        if not 3 <= len(args.domain_name) <= 28:
            raise ValueError(f"OpenSearch domain name '{args.domain_name}' must be 3-28 characters")
        child = pulumi.ResourceOptions(parent=self)
        tier = args.tier
        tags = tier.tags
        account = pulumi.Output.from_input(args.account_id)
        root = account.apply(lambda a: f"arn:{args.partition}:iam::{a}:root")
        admin_role = account.apply(lambda a: f"arn:{args.partition}:iam::{a}:role/{args.admin_role_name}")
        domain_arn = account.apply(lambda a: f"arn:{args.partition}:es:{args.region}:{a}:domain/{args.domain_name}")

        group = tier.security_group(
            name,
            parent=self,
            group_name=f"{args.domain_name}-search",
            description=f"OpenSearch {args.domain_name}: HTTPS from the cluster only",
            port=443,
            rule_description="OpenSearch HTTPS from the EKS cluster",
        )
        # Platform administrators assume this role to manage OpenSearch security (roles, mappings); only their
        # role may, not every principal of the account (CKV_AWS_60; policy rule LP-002).
        master_role = aws.iam.Role(
            f"{name}-master",
            name=f"{args.domain_name}-search-master",
            description="Fine-grained access control master user of the OpenSearch domain",
            assume_role_policy=pulumi.Output.json_dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": admin_role}, "Action": "sts:AssumeRole"}]}
            ),
            tags=tags,
            opts=child,
        )
        log_groups = {
            log_type: tier.log_group(
                f"{name}-log-{log_type.lower().replace('_', '-')}", parent=self, group_name=f"/aws/opensearch/{args.domain_name}/{log_type.lower()}"
            )
            for log_type in LOG_TYPES
        }
        log_policy = aws.cloudwatch.LogResourcePolicy(
            f"{name}-log-policy",
            policy_name=f"{args.domain_name}-opensearch-logs",
            policy_document=pulumi.Output.all(account, domain_arn, *[g.arn for g in log_groups.values()]).apply(
                lambda v: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "es.amazonaws.com"},
                                "Action": ["logs:PutLogEvents", "logs:CreateLogStream"],
                                "Resource": [f"{arn}:*" for arn in v[2:]],
                                "Condition": {"StringEquals": {"aws:SourceAccount": v[0]}, "ArnLike": {"aws:SourceArn": v[1]}},
                            }
                        ],
                    }
                )
            ),
            opts=child,
        )
        zones = args.zones
        domain = aws.opensearch.Domain(
            f"{name}-domain",
            domain_name=args.domain_name,
            engine_version=args.engine_version,
            cluster_config={
                "instance_type": args.instance_type,
                "instance_count": args.instance_count,
                "dedicated_master_enabled": args.dedicated_masters,
                "dedicated_master_count": DEDICATED_MASTERS if args.dedicated_masters else None,
                "dedicated_master_type": args.master_instance_type if args.dedicated_masters else None,
                "zone_awareness_enabled": zones > 1,
                "zone_awareness_config": {"availability_zone_count": zones} if zones > 1 else None,
            },
            vpc_options={
                "subnet_ids": pulumi.Output.from_input(tier.subnet_ids).apply(lambda ids: list(ids)[:zones]),
                "security_group_ids": [group.id],
            },
            ebs_options={"ebs_enabled": True, "volume_type": "gp3", "volume_size": args.volume_gb},
            encrypt_at_rest={"enabled": True, "kms_key_id": args.kms_key_arn},
            node_to_node_encryption={"enabled": True},
            domain_endpoint_options={"enforce_https": True, "tls_security_policy": TLS_POLICY},
            advanced_security_options={
                "enabled": True,
                "anonymous_auth_enabled": False,
                "internal_user_database_enabled": False,
                "master_user_options": {"master_user_arn": master_role.arn},
            },
            # The resource policy admits this account's IAM principals; fine-grained access control decides the rest.
            access_policies=pulumi.Output.all(root, domain_arn).apply(
                lambda v: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Principal": {"AWS": v[0]}, "Action": "es:ESHttp*", "Resource": f"{v[1]}/*"}],
                    }
                )
            ),
            log_publishing_options=[
                {"log_type": log_type, "cloudwatch_log_group_arn": group_.arn, "enabled": True} for log_type, group_ in log_groups.items()
            ],
            software_update_options={"auto_software_update_enabled": True},
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_policy]),
        )

        self.arn = domain.arn
        self.endpoint = domain.endpoint
        self.master_role_arn = master_role.arn
        self.security_group_id = group.id
        self.register_outputs(
            {"arn": self.arn, "endpoint": self.endpoint, "master_role_arn": self.master_role_arn, "security_group_id": self.security_group_id}
        )
