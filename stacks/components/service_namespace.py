"""A service's namespace: the platform's labels, Pod Security restricted, default-deny NetworkPolicies, its pod's service account."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from stacks.components.addon_release import ROLE_ARN_ANNOTATION
from stacks.components.baseline_network_policies import allow_dns, default_deny, explicit_allows
from stacks.components.cluster_baseline import POD_SECURITY


@dataclass
class ServiceNamespaceArgs:
    provider: k8s.Provider
    service: str  # also the namespace's and the service account's name
    vpc_cidr: pulumi.Input[str]
    ingress_namespace: str  # Kong's: the only source of traffic into the service
    observability_namespace: str
    pod_role_arn: pulumi.Input[str]
    labels: dict[str, str] = field(default_factory=dict)


class ServiceNamespace(pulumi.ComponentResource):
    name: pulumi.Output[str]
    service_account: pulumi.Output[str]
    namespace: k8s.core.v1.Namespace

    def __init__(self, name: str, args: ServiceNamespaceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:service:ServiceNamespace", name, None, opts)
        pss = {f"{POD_SECURITY}/{mode}": "restricted" for mode in ("enforce", "audit", "warn")}
        labels = {**args.labels, **pss, f"{POD_SECURITY}/enforce-version": "latest", "platform.io/namespace-role": "app", "platform.io/service": args.service}
        self.namespace = k8s.core.v1.Namespace(
            f"{name}-namespace", metadata={"name": args.service, "labels": labels}, opts=pulumi.ResourceOptions(parent=self, provider=args.provider)
        )
        in_namespace = pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[self.namespace])
        policies = {"default-deny": default_deny(), "allow-dns": allow_dns()}
        policies |= explicit_allows(
            "app", args.service, vpc_cidr=args.vpc_cidr,  # type: ignore[arg-type]  # an Output inside the spec resolves like a str
            namespaces={"ingress": args.ingress_namespace, "observability": args.observability_namespace},
        )
        for policy_name, spec in policies.items():
            k8s.networking.v1.NetworkPolicy(  # type: ignore[call-overload]  # camelCase manifest dicts; the SDK's ArgsDicts spell snake_case
                f"{name}-netpol-{policy_name}",
                metadata={"name": policy_name, "namespace": args.service, "labels": args.labels},
                spec=spec,
                opts=in_namespace,
            )
        account = k8s.core.v1.ServiceAccount(
            f"{name}-service-account",
            metadata={"name": args.service, "namespace": args.service, "labels": args.labels, "annotations": {ROLE_ARN_ANNOTATION: args.pod_role_arn}},
            automount_service_account_token=False,  # the pod gets its projected IRSA token; it never calls the Kubernetes API
            opts=in_namespace,
        )
        self.name = self.namespace.metadata.name
        self.service_account = account.metadata.name
        self.register_outputs({"name": self.name, "serviceAccount": self.service_account})
