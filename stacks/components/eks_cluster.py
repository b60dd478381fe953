"""An EKS control plane: private endpoint, KMS envelope encryption of secrets, every log type, IRSA, admin access entry."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
# Thumbprint of the root CA behind every regional EKS OIDC issuer (AWS ignores it for these
# issuers, but the API still requires one).
OIDC_ROOT_CA_THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"


@dataclass
class EksClusterArgs:
    version: str
    subnet_ids: list[pulumi.Input[str]]
    public_endpoint_cidrs: list[str]
    log_retention_days: int
    logs_key_arn: pulumi.Input[str]
    admin_role_name: str
    tags: dict[str, str] = field(default_factory=dict)


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
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        key = aws.kms.Key(f"{name}-secrets-key", description=f"{name}: envelope encryption of Kubernetes secrets",
                          enable_key_rotation=True, deletion_window_in_days=30, tags=args.tags, opts=child)
        role = aws.iam.Role(f"{name}-role", assume_role_policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}],
        }), tags=args.tags, opts=child)
        aws.iam.RolePolicyAttachment(f"{name}-role-policy", role=role.name,
                                     policy_arn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", opts=child)
        # EKS writes control-plane logs to this group; creating it first sets retention and encryption.
        logs = aws.cloudwatch.LogGroup(f"{name}-logs", name=f"/aws/eks/{name}/cluster", retention_in_days=args.log_retention_days,
                                       kms_key_id=args.logs_key_arn, tags=args.tags, opts=child)
        cluster = aws.eks.Cluster(
            f"{name}-eks", name=name, version=args.version, role_arn=role.arn,
            vpc_config={"subnet_ids": args.subnet_ids, "endpoint_private_access": True,
                        "endpoint_public_access": bool(args.public_endpoint_cidrs),
                        "public_access_cidrs": args.public_endpoint_cidrs or None},
            encryption_config={"resources": ["secrets"], "provider": {"key_arn": key.arn}},
            enabled_cluster_log_types=LOG_TYPES,
            access_config={"authentication_mode": "API", "bootstrap_cluster_creator_admin_permissions": False},
            tags=args.tags, opts=pulumi.ResourceOptions(parent=self, depends_on=[logs]))
        issuer = cluster.identities[0].oidcs[0].issuer
        oidc = aws.iam.OpenIdConnectProvider(f"{name}-oidc", url=issuer, client_id_lists=["sts.amazonaws.com"],
                                             thumbprint_lists=[OIDC_ROOT_CA_THUMBPRINT], tags=args.tags, opts=child)
        admin_arn = account.apply(lambda acct: f"arn:aws:iam::{acct}:role/{args.admin_role_name}")
        entry = aws.eks.AccessEntry(f"{name}-admin", cluster_name=cluster.name, principal_arn=admin_arn, type="STANDARD", opts=child)
        aws.eks.AccessPolicyAssociation(f"{name}-admin-policy", cluster_name=cluster.name, principal_arn=entry.principal_arn,
                                        policy_arn="arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                                        access_scope={"type": "cluster"}, opts=child)
        self.name = cluster.name
        self.endpoint = cluster.endpoint
        self.certificate_authority = cluster.certificate_authority.data
        self.cluster_security_group_id = cluster.vpc_config.cluster_security_group_id
        self.oidc_provider_arn = oidc.arn
        self.oidc_provider_url = issuer
        self.kms_key_arn = key.arn
        self.register_outputs({"name": self.name, "endpoint": self.endpoint, "oidcProviderArn": oidc.arn})
