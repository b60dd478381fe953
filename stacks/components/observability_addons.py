"""Observability add-ons: the Datadog agent (API key from a synced Secret) and Fluent Bit shipping to CloudWatch Logs."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from stacks.components import addon_policies
from stacks.components.addon_release import ChartPin, install, service_account
from stacks.components.irsa_role import IrsaRole, IrsaRoleArgs

FLUENT_BIT_SERVICE_ACCOUNT = "aws-for-fluent-bit"


@dataclass
class ObservabilityAddonsArgs:
    provider: k8s.Provider
    name_prefix: str
    environment: str
    namespace: str
    region: str
    cluster_name: pulumi.Input[str]
    oidc_provider_arn: pulumi.Input[str]
    oidc_provider_url: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
    log_group_name: str
    log_retention_days: int
    datadog_site: str
    datadog_api_key_secret: str  # name of the Kubernetes Secret (key `api-key`) synced from Secrets Manager
    datadog_chart: ChartPin
    fluent_bit_chart: ChartPin
    protect_logs: bool = False  # production: the container logs are the audit trail of incidents
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


class ObservabilityAddons(pulumi.ComponentResource):
    """Metrics and traces to Datadog; container logs to one KMS-encrypted CloudWatch log group per environment."""

    log_group_name: pulumi.Output[str]
    fluent_bit_role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ObservabilityAddonsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:addons:ObservabilityAddons", name, None, opts)
        group = aws.cloudwatch.LogGroup(
            f"{name}-container-logs",
            name=args.log_group_name,
            retention_in_days=args.log_retention_days,
            kms_key_id=args.logs_key_arn,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect_logs),
        )
        role = IrsaRole(
            f"{name}-fluent-bit-irsa",
            IrsaRoleArgs(
                role_name=f"{args.name_prefix}-fluent-bit",
                oidc_provider_arn=args.oidc_provider_arn,
                oidc_provider_url=args.oidc_provider_url,
                namespace=args.namespace,
                service_account=FLUENT_BIT_SERVICE_ACCOUNT,
                policy=group.arn.apply(addon_policies.fluent_bit),
                tags=args.tags,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        install(
            f"{name}-fluent-bit",
            release_name="aws-for-fluent-bit",
            pin=args.fluent_bit_chart,
            namespace=args.namespace,
            provider=args.provider,
            parent=self,
            depends_on=args.depends_on,
            values={
                "serviceAccount": service_account(FLUENT_BIT_SERVICE_ACCOUNT, role.role_arn),
                "cloudWatchLogs": {
                    "enabled": True,
                    "region": args.region,
                    "logGroupName": group.name,
                    "logStreamPrefix": "pod-",
                    "autoCreateGroup": False,  # the group is ours, with retention and KMS; Fluent Bit may not make others
                },
                "firehose": {"enabled": False},
                "kinesis": {"enabled": False},
                "elasticsearch": {"enabled": False},
            },
        )
        install(
            f"{name}-datadog",
            release_name="datadog",
            pin=args.datadog_chart,
            namespace=args.namespace,
            provider=args.provider,
            parent=self,
            depends_on=args.depends_on,
            values={
                "datadog": {
                    "site": args.datadog_site,
                    # A reference by name: the key itself stays in Secrets Manager and the synced Secret.
                    "apiKeyExistingSecret": args.datadog_api_key_secret,
                    "clusterName": args.cluster_name,
                    "tags": [f"env:{args.environment}"],
                    "logs": {"enabled": False},  # logs go to CloudWatch through Fluent Bit; shipping twice doubles cost
                    "apm": {"portEnabled": True},
                    "dogstatsd": {"useHostPort": False, "nonLocalTraffic": True},
                    "processAgent": {"enabled": False},  # would need hostPID
                    "networkMonitoring": {"enabled": False},
                },
                "clusterAgent": {"enabled": True, "replicas": 2, "createPodDisruptionBudget": True},
            },
        )
        self.log_group_name = group.name
        self.fluent_bit_role_arn = role.role_arn
        self.register_outputs({"logGroupName": self.log_group_name, "fluentBitRoleArn": self.fluent_bit_role_arn})
