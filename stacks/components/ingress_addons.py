"""Ingress add-ons: the AWS Load Balancer Controller (with its IRSA role) and the Kong gateway, reached through the public entry's ALB."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from stacks.components import addon_policies
from stacks.components.addon_release import RESTRICTED_CONTAINER, RESTRICTED_POD, ChartPin, install, service_account
from stacks.components.irsa_role import IrsaRole, IrsaRoleArgs

ALB_SERVICE_ACCOUNT = "aws-load-balancer-controller"
KONG_FULLNAME = "kong"
KONG_INGRESS_CLASS = "kong"
KONG_PROXY_SERVICE = f"{KONG_FULLNAME}-proxy"
# The labels the kong chart puts on its pods (the chart's name, the release's name): what NetworkPolicies select Kong by.
KONG_POD_LABELS = {"app.kubernetes.io/name": KONG_FULLNAME, "app.kubernetes.io/instance": "kong"}


@dataclass
class IngressAddonsArgs:
    provider: k8s.Provider
    name_prefix: str  # f"{organisation}-{environment}"
    system_namespace: str
    ingress_namespace: str
    cluster_name: pulumi.Input[str]
    region: str
    vpc_id: pulumi.Input[str]
    oidc_provider_arn: pulumi.Input[str]
    oidc_provider_url: pulumi.Input[str]
    alb_chart: ChartPin
    kong_chart: ChartPin
    kong_license_secret: str  # Kubernetes Secret (synced from Secrets Manager) holding the Kong Enterprise license
    replicas: int = 2
    depends_on: list[pulumi.Resource] = field(default_factory=list)  # the baseline (namespaces) and synced secrets
    tags: dict[str, str] = field(default_factory=dict)


class IngressAddons(pulumi.ComponentResource):
    """ALB controller first (its webhooks admit the Services and Ingresses that follow), then Kong with a ClusterIP proxy."""

    alb_role_arn: pulumi.Output[str]
    kong_proxy_service: pulumi.Output[str]
    ingress_class: str
    kong: k8s.helm.v3.Release
    alb_controller: k8s.helm.v3.Release

    def __init__(self, name: str, args: IngressAddonsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:addons:IngressAddons", name, None, opts)
        alb_role = IrsaRole(
            f"{name}-alb-irsa",
            IrsaRoleArgs(
                role_name=f"{args.name_prefix}-alb-controller",
                oidc_provider_arn=args.oidc_provider_arn,
                oidc_provider_url=args.oidc_provider_url,
                namespace=args.system_namespace,
                service_account=ALB_SERVICE_ACCOUNT,
                policy=pulumi.Output.from_input(args.cluster_name).apply(addon_policies.alb_controller),
                tags=args.tags,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        alb = install(
            f"{name}-alb-controller",
            release_name="aws-load-balancer-controller",
            pin=args.alb_chart,
            namespace=args.system_namespace,
            provider=args.provider,
            parent=self,
            depends_on=args.depends_on,
            values={
                "clusterName": args.cluster_name,
                "region": args.region,
                "vpcId": args.vpc_id,
                "replicaCount": args.replicas,
                "serviceAccount": service_account(ALB_SERVICE_ACCOUNT, alb_role.role_arn),
                "podDisruptionBudget": {"maxUnavailable": 1},
                "defaultTags": args.tags,
                "podSecurityContext": RESTRICTED_POD,
                "securityContext": RESTRICTED_CONTAINER,
            },
        )
        self.kong = install(
            f"{name}-kong",
            release_name="kong",
            pin=args.kong_chart,
            namespace=args.ingress_namespace,
            provider=args.provider,
            parent=self,
            # The controller's webhooks must answer before Kong's chart creates Services and Ingresses.
            depends_on=[alb, *args.depends_on],
            values={
                "fullnameOverride": KONG_FULLNAME,
                # openid-connect (JWKS validation) is a Kong Enterprise plugin; the license comes from Secrets Manager.
                "image": {"repository": "kong/kong-gateway", "tag": "3.9"},
                "enterprise": {"enabled": True, "license_secret": args.kong_license_secret},
                "env": {"database": "off", "nginx_worker_processes": "2", "proxy_access_log": "/dev/stdout"},
                "admin": {"enabled": False},
                "ingressController": {"enabled": True, "ingressClass": KONG_INGRESS_CLASS},
                "replicaCount": args.replicas,
                "podDisruptionBudget": {"enabled": True, "maxUnavailable": 1},
                # ClusterIP: no load balancer of its own. The public entry's ALB (PublicEntry) targets the proxy pods.
                "proxy": {"type": "ClusterIP", "http": {"enabled": True, "servicePort": 80, "containerPort": 8000}, "tls": {"enabled": False}},
                "status": {"enabled": True, "http": {"enabled": True, "containerPort": 8100}},
                "securityContext": RESTRICTED_POD,
                "containerSecurityContext": RESTRICTED_CONTAINER,
            },
        )
        self.alb_role_arn = alb_role.role_arn
        self.kong_proxy_service = pulumi.Output.from_input(f"{args.ingress_namespace}/{KONG_PROXY_SERVICE}")
        self.alb_controller = alb
        self.ingress_class = KONG_INGRESS_CLASS
        self.register_outputs({"albRoleArn": self.alb_role_arn, "kongProxyService": self.kong_proxy_service, "ingressClass": self.ingress_class})

