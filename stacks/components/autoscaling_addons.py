"""Autoscaling add-ons: metrics-server (for HPAs) and the node autoscaler the config picks (Karpenter or cluster-autoscaler)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from stacks.components import addon_policies
from stacks.components.addon_release import RESTRICTED_CONTAINER, RESTRICTED_POD, ChartPin, install, service_account
from stacks.components.irsa_role import IrsaRole, IrsaRoleArgs
from stacks.components.karpenter_interruptions import KarpenterInterruptions, KarpenterInterruptionsArgs
from stacks.components.karpenter_node_pool import KarpenterNodePool, KarpenterNodePoolArgs

KARPENTER_SERVICE_ACCOUNT = "karpenter"
CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler"


@dataclass
class AutoscalingAddonsArgs:
    provider: k8s.Provider
    name_prefix: str
    namespace: str
    autoscaler: str  # "karpenter" | "cluster-autoscaler"
    cluster_name: pulumi.Input[str]
    region: str
    oidc_provider_arn: pulumi.Input[str]
    oidc_provider_url: pulumi.Input[str]
    node_role_arn: pulumi.Input[str]
    node_security_group_id: pulumi.Input[str]
    private_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    metrics_server_chart: ChartPin
    autoscaler_chart: ChartPin
    cpu_limit: int = 100
    allow_spot: bool = False
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


class AutoscalingAddons(pulumi.ComponentResource):
    """Pods scale on metrics-server; nodes scale by the chosen autoscaler, which gets its own IRSA role."""

    autoscaler_role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: AutoscalingAddonsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:addons:AutoscalingAddons", name, None, opts)
        install(
            f"{name}-metrics-server",
            release_name="metrics-server",
            pin=args.metrics_server_chart,
            namespace=args.namespace,
            provider=args.provider,
            parent=self,
            depends_on=args.depends_on,
            values={"replicas": 2, "podDisruptionBudget": {"enabled": True, "maxUnavailable": 1},
                    "podSecurityContext": RESTRICTED_POD, "securityContext": RESTRICTED_CONTAINER},
        )
        if args.autoscaler == "karpenter":
            nodes = KarpenterInterruptions(
                f"{name}-karpenter-interruptions",
                KarpenterInterruptionsArgs(name_prefix=args.name_prefix, tags=args.tags),
                opts=pulumi.ResourceOptions(parent=self),
            )
            policy = pulumi.Output.all(args.cluster_name, args.node_role_arn, nodes.queue_arn).apply(
                lambda v: addon_policies.karpenter(v[0], args.region, v[1], v[2])
            )
            account = KARPENTER_SERVICE_ACCOUNT
        elif args.autoscaler == "cluster-autoscaler":
            policy = pulumi.Output.from_input(args.cluster_name).apply(addon_policies.cluster_autoscaler)
            account = CLUSTER_AUTOSCALER_SERVICE_ACCOUNT
        else:
            raise ValueError(f"autoscaler must be karpenter or cluster-autoscaler, not {args.autoscaler!r}")
        role = IrsaRole(
            f"{name}-{args.autoscaler}-irsa",
            IrsaRoleArgs(
                role_name=f"{args.name_prefix}-{args.autoscaler}",
                oidc_provider_arn=args.oidc_provider_arn,
                oidc_provider_url=args.oidc_provider_url,
                namespace=args.namespace,
                service_account=account,
                policy=policy,
                tags=args.tags,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        if args.autoscaler == "karpenter":
            release = install(
                f"{name}-karpenter",
                release_name="karpenter",
                pin=args.autoscaler_chart,
                values={
                    "settings": {"clusterName": args.cluster_name, "interruptionQueue": nodes.queue_name},
                    "serviceAccount": service_account(KARPENTER_SERVICE_ACCOUNT, role.role_arn),
                    "replicas": 2,
                    "podSecurityContext": {**RESTRICTED_POD, "fsGroup": 65532},
                },
                namespace=args.namespace,
                provider=args.provider,
                parent=self,
                depends_on=args.depends_on,
            )
            KarpenterNodePool(
                f"{name}-karpenter-nodes",
                KarpenterNodePoolArgs(
                    provider=args.provider,
                    cluster_name=args.cluster_name,
                    node_role_arn=args.node_role_arn,
                    node_security_group_id=args.node_security_group_id,
                    private_subnet_ids=args.private_subnet_ids,
                    cpu_limit=args.cpu_limit,
                    allow_spot=args.allow_spot,
                    tags=args.tags,
                    depends_on=[release],  # the chart installs the NodePool and EC2NodeClass CRDs
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        else:
            install(
                f"{name}-cluster-autoscaler",
                release_name="cluster-autoscaler",
                pin=args.autoscaler_chart,
                values={
                    "autoDiscovery": {"clusterName": args.cluster_name},
                    "awsRegion": args.region,
                    "rbac": {"serviceAccount": service_account(CLUSTER_AUTOSCALER_SERVICE_ACCOUNT, role.role_arn)},
                    "extraArgs": {"balance-similar-node-groups": True, "expander": "least-waste", "skip-nodes-with-system-pods": False},
                    "securityContext": RESTRICTED_POD,
                    "containerSecurityContext": RESTRICTED_CONTAINER,
                },
                namespace=args.namespace,
                provider=args.provider,
                parent=self,
                depends_on=args.depends_on,
            )
        self.autoscaler_role_arn = role.role_arn
        self.register_outputs({"autoscalerRoleArn": self.autoscaler_role_arn})
