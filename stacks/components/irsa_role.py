"""An IAM role that exactly one Kubernetes service account may assume through the cluster's OIDC provider (IRSA)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws


def issuer_host(url: str) -> str:
    """The OIDC issuer as IAM condition keys spell it: without the https:// scheme."""
    return url.removeprefix("https://").rstrip("/")


def trust_policy(provider_arn: str, provider_url: str, namespace: str, service_account: str) -> str:
    """Trust only tokens for system:serviceaccount:<namespace>:<service_account> meant for STS."""
    issuer = issuer_host(provider_url)
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider_arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            f"{issuer}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                            f"{issuer}:aud": "sts.amazonaws.com",
                        }
                    },
                }
            ],
        },
        sort_keys=True,
    )


@dataclass
class IrsaRoleArgs:
    role_name: str  # physical name, f"{organisation}-{environment}-<addon>"
    oidc_provider_arn: pulumi.Input[str]
    oidc_provider_url: pulumi.Input[str]
    namespace: str
    service_account: str
    policy: pulumi.Input[str]  # the add-on's least-privilege policy document, JSON
    tags: dict[str, str] = field(default_factory=dict)


class IrsaRole(pulumi.ComponentResource):
    """A role for one service account, with one inline least-privilege policy."""

    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]

    def __init__(self, name: str, args: IrsaRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:addons:IrsaRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        assume: Any = pulumi.Output.all(args.oidc_provider_arn, args.oidc_provider_url).apply(
            lambda v: trust_policy(v[0], v[1], args.namespace, args.service_account)
        )
        role = aws.iam.Role(
            f"{name}-role",
            name=args.role_name,
            description=f"IRSA: service account {args.namespace}/{args.service_account}",
            assume_role_policy=assume,
            max_session_duration=3600,
            tags=args.tags,
            opts=child,
        )
        aws.iam.RolePolicy(f"{name}-policy", role=role.id, name=f"{args.role_name}-policy", policy=args.policy, opts=child)
        self.role_arn = role.arn
        self.role_name = role.name
        self.register_outputs({"roleArn": self.role_arn, "roleName": self.role_name})
