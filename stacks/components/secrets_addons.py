"""Secrets from AWS Secrets Manager into the cluster: External Secrets Operator (IRSA), a store, and synced secrets."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
from pulumi_kubernetes.apiextensions import CustomResource

from stacks.components import addon_policies
from stacks.components.addon_release import RESTRICTED_CONTAINER, RESTRICTED_POD, ChartPin, install, service_account
from stacks.components.irsa_role import IrsaRole, IrsaRoleArgs

ESO_SERVICE_ACCOUNT = "external-secrets"
STORE_NAME = "aws-secrets-manager"


@dataclass
class SyncedSecret:
    """A Secrets Manager secret (made here, empty: an operator puts the value) mirrored into a Kubernetes Secret."""

    key: str  # short id, e.g. "datadog"
    aws_name: str  # Secrets Manager name
    namespace: str
    secret_name: str  # Kubernetes Secret name
    secret_key: str  # the key inside the Kubernetes Secret, e.g. api-key


@dataclass
class SecretsAddonsArgs:
    provider: k8s.Provider
    name_prefix: str
    namespace: str
    region: str
    oidc_provider_arn: pulumi.Input[str]
    oidc_provider_url: pulumi.Input[str]
    chart: ChartPin
    secrets: list[SyncedSecret]
    recovery_window_days: int = 7
    protect: bool = False  # production: the secrets hold values an operator put in by hand
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


class SecretsAddons(pulumi.ComponentResource):
    """The operator may read only the secrets listed here; each lands as a Kubernetes Secret in its namespace."""

    secret_arns: dict[str, pulumi.Output[str]]
    synced: list[pulumi.Resource]

    def __init__(self, name: str, args: SecretsAddonsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:addons:SecretsAddons", name, None, opts)
        aws_opts = pulumi.ResourceOptions(parent=self)
        # A customer key like every other secret's (CKV_AWS_149): its use is logged in CloudTrail and rotated, and
        # revoking it cuts the cluster off these secrets. Secrets Manager uses it on the caller's behalf (kms:ViaService),
        # so the account's default key policy, which delegates to IAM, is enough.
        key = aws.kms.Key(
            f"{name}-key",
            description=f"{args.name_prefix}: Secrets Manager secrets synced into the cluster",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        aws.kms.Alias(f"{name}-key-alias", name=f"alias/{args.name_prefix}-addon-secrets", target_key_id=key.key_id, opts=aws_opts)
        stored = {
            s.key: aws.secretsmanager.Secret(
                f"{name}-{s.key}",
                name=s.aws_name,
                description=f"Synced into the cluster as {s.namespace}/{s.secret_name}; put the value here, never in code.",
                recovery_window_in_days=args.recovery_window_days,
                kms_key_id=key.arn,
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
            )
            for s in args.secrets
        }
        role = IrsaRole(
            f"{name}-irsa",
            IrsaRoleArgs(
                role_name=f"{args.name_prefix}-external-secrets",
                oidc_provider_arn=args.oidc_provider_arn,
                oidc_provider_url=args.oidc_provider_url,
                namespace=args.namespace,
                service_account=ESO_SERVICE_ACCOUNT,
                policy=pulumi.Output.all(key.arn, *[secret.arn for secret in stored.values()]).apply(
                    lambda arns: addon_policies.external_secrets(list(arns[1:]), arns[0], args.region)
                ),
                tags=args.tags,
            ),
            opts=aws_opts,
        )
        k8s_opts = pulumi.ResourceOptions(parent=self, provider=args.provider)
        release = install(
            f"{name}-external-secrets",
            release_name="external-secrets",
            pin=args.chart,
            namespace=args.namespace,
            provider=args.provider,
            parent=self,
            depends_on=args.depends_on,
            values={
                "installCRDs": True,
                "serviceAccount": service_account(ESO_SERVICE_ACCOUNT, role.role_arn),
                "podSecurityContext": RESTRICTED_POD,
                "securityContext": RESTRICTED_CONTAINER,
                "webhook": {"podSecurityContext": RESTRICTED_POD, "securityContext": RESTRICTED_CONTAINER},
                "certController": {"podSecurityContext": RESTRICTED_POD, "securityContext": RESTRICTED_CONTAINER},
            },
        )
        store = CustomResource(
            f"{name}-store",
            api_version="external-secrets.io/v1beta1",
            kind="ClusterSecretStore",
            metadata={"name": STORE_NAME},
            # No auth block: the controller uses its own IRSA role, so only the secrets above are readable.
            spec={"provider": {"aws": {"service": "SecretsManager", "region": args.region}}},
            opts=pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(depends_on=[release])),
        )
        self.synced = []
        for s in args.secrets:
            self.synced.append(
                CustomResource(
                    f"{name}-sync-{s.key}",
                    api_version="external-secrets.io/v1beta1",
                    kind="ExternalSecret",
                    metadata={"name": s.secret_name, "namespace": s.namespace},
                    spec={
                        "refreshInterval": "1h",
                        "secretStoreRef": {"kind": "ClusterSecretStore", "name": STORE_NAME},
                        "target": {"name": s.secret_name, "creationPolicy": "Owner"},
                        "data": [{"secretKey": s.secret_key, "remoteRef": {"key": s.aws_name}}],
                    },
                    opts=pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(depends_on=[store])),
                )
            )
        self.secret_arns = {key: secret.arn for key, secret in stored.items()}
        self.register_outputs({"secretArns": self.secret_arns, "roleArn": role.role_arn, "store": STORE_NAME})
