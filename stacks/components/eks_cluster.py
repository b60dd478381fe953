"""An EKS control plane: private endpoint, KMS envelope encryption of secrets, every log type, IRSA, admin access entry."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from stacks.components.oidc_provider import OidcProvider, OidcProviderArgs

LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
ADMIN_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"


@dataclass
class EksClusterArgs:
    version: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]  # private subnets: the control plane's interfaces
    public_endpoint_cidrs: list[str]  # empty: the API endpoint is private only
    log_retention_days: int
    logs_key_arn: pulumi.Input[str]  # a key of the cluster's region that admits CloudWatch Logs
    admin_role_name: str  # IAM role of this account given cluster admin through an access entry
    tags: dict[str, str] = field(default_factory=dict)
    security_group_ids: Sequence[pulumi.Input[str]] = field(default_factory=list)  # extra groups on the control plane's interfaces
    protect: bool = False  # production: the cluster, its secrets key and its audit logs

    def __post_init__(self) -> None:
        for cidr in self.public_endpoint_cidrs:
            if ipaddress.ip_network(cidr, strict=False).prefixlen == 0:
                raise ValueError(f"public endpoint CIDR {cidr} would open the Kubernetes API to the internet")


class EksCluster(pulumi.ComponentResource):
    name: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    certificate_authority: pulumi.Output[str]
    cluster_security_group_id: pulumi.Output[str]
    oidc_provider_arn: pulumi.Output[str]
    oidc_provider_url: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:cluster:EksCluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        kept = pulumi.ResourceOptions(parent=self, protect=args.protect)
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        key = aws.kms.Key(f"{name}-secrets-key", description=f"{name}: envelope encryption of Kubernetes secrets",
                          enable_key_rotation=True, deletion_window_in_days=30, tags=args.tags, opts=kept)
        role = aws.iam.Role(f"{name}-role", assume_role_policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}],
        }), tags=args.tags, opts=child)
        role_policy = aws.iam.RolePolicyAttachment(f"{name}-role-policy", role=role.name,
                                                   policy_arn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", opts=child)
        # EKS encrypts and decrypts the secrets' data keys as the cluster role (as eksctl and the EKS module grant it).
        key_use = aws.iam.RolePolicy(f"{name}-role-secrets-key", role=role.id, policy=key.arn.apply(lambda arn: json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], "Resource": arn}],
        })), opts=child)
        # EKS writes control-plane logs to this group; creating it first sets retention and encryption.
        logs = aws.cloudwatch.LogGroup(f"{name}-logs", name=f"/aws/eks/{name}/cluster", retention_in_days=args.log_retention_days,
                                       kms_key_id=args.logs_key_arn, tags=args.tags, opts=kept)
        cluster = aws.eks.Cluster(
            f"{name}-eks", name=name, version=args.version, role_arn=role.arn,
            vpc_config={"subnet_ids": args.subnet_ids, "endpoint_private_access": True,
                        "endpoint_public_access": bool(args.public_endpoint_cidrs),
                        "public_access_cidrs": args.public_endpoint_cidrs or None,
                        "security_group_ids": args.security_group_ids or None},
            encryption_config={"resources": ["secrets"], "provider": {"key_arn": key.arn}},
            enabled_cluster_log_types=LOG_TYPES,
            deletion_protection=args.protect,  # AWS refuses the delete too, not only Pulumi
            # Access entries only: who administers the cluster is visible in IAM/EKS, not in a ConfigMap, and the
            # creator gets no hidden admin grant (whoever runs the addons layer assumes the admin role).
            access_config={"authentication_mode": "API", "bootstrap_cluster_creator_admin_permissions": False},
            tags=args.tags, opts=pulumi.ResourceOptions(parent=self, protect=args.protect, depends_on=[logs, role_policy, key_use]))
        oidc = OidcProvider(f"{name}-oidc", OidcProviderArgs(issuer_url=cluster.identities[0].oidcs[0].issuer, tags=args.tags), opts=child)
        admin_arn = pulumi.Output.concat("arn:aws:iam::", account, ":role/", args.admin_role_name)
        entry = aws.eks.AccessEntry(f"{name}-admin", cluster_name=cluster.name, principal_arn=admin_arn, type="STANDARD",
                                    tags=args.tags, opts=child)
        aws.eks.AccessPolicyAssociation(f"{name}-admin-policy", cluster_name=cluster.name, principal_arn=entry.principal_arn,
                                        policy_arn=ADMIN_POLICY_ARN, access_scope={"type": "cluster"}, opts=child)
        self.name = cluster.name
        self.endpoint = cluster.endpoint
        self.certificate_authority = cluster.certificate_authority.data
        self.cluster_security_group_id = cluster.vpc_config.cluster_security_group_id
        self.oidc_provider_arn = oidc.arn
        self.oidc_provider_url = oidc.url
        self.kms_key_arn = key.arn
        self.register_outputs({"name": self.name, "endpoint": self.endpoint, "oidcProviderArn": self.oidc_provider_arn,
                               "kmsKeyArn": self.kms_key_arn})
