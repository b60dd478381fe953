"""A service's secrets: Secrets Manager entries under its own path with the platform's key, read into its namespace by an ExternalSecret."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
from pulumi_kubernetes.apiextensions import CustomResource

ESO_API = "external-secrets.io/v1beta1"
STORE_NAME = "service-secrets"


def secrets_path(organisation: str, environment: str, service: str) -> str:
    """Where every secret of a service lives in Secrets Manager; its pod role may read below it and nowhere else."""
    return f"{organisation}/{environment}/services/{service}/"


@dataclass
class ServiceSecretsArgs:
    provider: k8s.Provider
    service: str
    path: str  # secrets_path(...)
    names: list[str]  # e.g. ["app"]: each becomes <path><name>, its value put in by an operator, never by code
    kms_key_arn: pulumi.Input[str]  # the data layer's secrets key
    region: str
    namespace: pulumi.Input[str]
    service_account: pulumi.Input[str]  # the pod's: the store authenticates as it (IRSA), so ESO reads only what the pod may
    platform_secrets: dict[str, pulumi.Input[str]] = field(default_factory=dict)  # Kubernetes Secret name -> platform secret ARN to sync too
    recovery_window_days: int = 7
    protect: bool = False
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


class ServiceSecrets(pulumi.ComponentResource):
    arns: dict[str, pulumi.Output[str]]
    secret_name: str
    synced: list[pulumi.Resource]

    def __init__(self, name: str, args: ServiceSecretsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:service:ServiceSecrets", name, None, opts)
        stored = {
            secret: aws.secretsmanager.Secret(
                f"{name}-{secret}",
                name=f"{args.path}{secret}",
                description=f"{args.service}: synced into its namespace as {args.service}-secrets/{secret}; put the value here, never in code.",
                kms_key_id=args.kms_key_arn,
                recovery_window_in_days=args.recovery_window_days,
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
            )
            for secret in args.names
        }
        k8s_opts = pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=args.depends_on)
        store = CustomResource(
            f"{name}-store",
            api_version=ESO_API,
            kind="SecretStore",
            metadata={"name": STORE_NAME, "namespace": args.namespace},
            spec={"provider": {"aws": {"service": "SecretsManager", "region": args.region,
                                       "auth": {"jwt": {"serviceAccountRef": {"name": args.service_account}}}}}},
            opts=k8s_opts,
        )
        after_store = pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[store])
        self.secret_name = f"{args.service}-secrets"
        self.synced = [
            CustomResource(
                f"{name}-sync",
                api_version=ESO_API,
                kind="ExternalSecret",
                metadata={"name": self.secret_name, "namespace": args.namespace},
                spec={
                    "refreshInterval": "1h",
                    "secretStoreRef": {"kind": "SecretStore", "name": STORE_NAME},
                    "target": {"name": self.secret_name, "creationPolicy": "Owner"},
                    "data": [{"secretKey": secret, "remoteRef": {"key": s.name}} for secret, s in stored.items()],
                },
                opts=after_store,
            )
        ]
        for k8s_name, arn in args.platform_secrets.items():
            self.synced.append(
                CustomResource(
                    f"{name}-sync-{k8s_name}",
                    api_version=ESO_API,
                    kind="ExternalSecret",
                    metadata={"name": k8s_name, "namespace": args.namespace},
                    spec={
                        "refreshInterval": "1h",
                        "secretStoreRef": {"kind": "SecretStore", "name": STORE_NAME},
                        "target": {"name": k8s_name, "creationPolicy": "Owner"},
                        "data": [{"secretKey": "value", "remoteRef": {"key": arn}}],
                    },
                    opts=after_store,
                )
            )
        self.arns = {secret: s.arn for secret, s in stored.items()}
        self.register_outputs({"arns": self.arns, "secretName": self.secret_name})
