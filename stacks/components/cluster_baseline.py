"""The cluster baseline: namespaces under Pod Security, default-deny NetworkPolicies with explicit allows, and RBAC."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from stacks.components.baseline_network_policies import allow_dns, default_deny, explicit_allows

POD_SECURITY = "pod-security.kubernetes.io"
REASON_ANNOTATION = "platform.io/pod-security-reason"
READ_ONLY_RESOURCES: dict[str, list[str]] = {
    "": ["pods", "pods/log", "services", "endpoints", "configmaps", "events", "namespaces", "nodes",
         "persistentvolumeclaims", "serviceaccounts", "resourcequotas", "limitranges"],
    "apps": ["deployments", "replicasets", "statefulsets", "daemonsets"],
    "batch": ["jobs", "cronjobs"],
    "autoscaling": ["horizontalpodautoscalers"],
    "policy": ["poddisruptionbudgets"],
    "networking.k8s.io": ["ingresses", "networkpolicies"],
    "metrics.k8s.io": ["pods", "nodes"],
}  # secrets are deliberately absent: reading them is not "read-only"
DEPLOYER_RESOURCES: dict[str, list[str]] = {
    "": ["configmaps", "services", "serviceaccounts", "pods", "pods/log"],
    "apps": ["deployments", "replicasets"],
    "batch": ["jobs", "cronjobs"],
    "autoscaling": ["horizontalpodautoscalers"],
    "policy": ["poddisruptionbudgets"],
    "networking.k8s.io": ["ingresses", "networkpolicies"],
    "configuration.konghq.com": ["kongplugins"],
    "external-secrets.io": ["externalsecrets"],  # secrets arrive from Secrets Manager, never written by hand
}


@dataclass
class NamespaceSpec:
    name: str
    role: str  # system | ingress | observability | app
    pod_security: str = "restricted"  # enforce level; audit and warn are always restricted
    reason: str = ""  # why a level below restricted is needed (required then)


@dataclass
class ClusterBaselineArgs:
    provider: k8s.Provider
    cluster_name: pulumi.Input[str]
    namespaces: list[NamespaceSpec]
    vpc_cidr: pulumi.Input[str]
    developers_group: str
    deployers_group: str
    labels: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    alb_cidrs: list[str] = field(default_factory=list)  # public subnets: the public entry's ALB reaches Kong from there


class ClusterBaseline(pulumi.ComponentResource):
    """Namespaces, their NetworkPolicies, a read-only ClusterRole for developers and a deployer Role per app namespace."""

    namespace_names: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: ClusterBaselineArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:addons:ClusterBaseline", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        by_role = {spec.role: spec.name for spec in args.namespaces if spec.role != "app"}
        # NetworkPolicies are only API objects until the VPC CNI enforces them; that is off by default on EKS.
        # No addon_version: EKS picks the default build for the cluster's Kubernetes version.
        cni = aws.eks.Addon(
            f"{name}-vpc-cni",
            cluster_name=args.cluster_name,
            addon_name="vpc-cni",
            configuration_values=json.dumps({"enableNetworkPolicy": "true"}),
            resolve_conflicts_on_create="OVERWRITE",  # take over the self-managed CNI that EKS bootstraps
            resolve_conflicts_on_update="PRESERVE",
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.namespace_names = {}
        for spec in args.namespaces:
            if spec.pod_security != "restricted" and not spec.reason:
                raise ValueError(f"namespace {spec.name}: Pod Security {spec.pod_security!r} needs a reason")
            ns = k8s.core.v1.Namespace(f"{name}-ns-{spec.name}", metadata=self._metadata(spec, args.labels), opts=child)
            self.namespace_names[spec.name] = ns.metadata.name
            ns_opts = pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[ns, cni])
            # Values are manifests as Kubernetes spells them (camelCase): Any, since the SDK's ArgsDicts spell snake_case.
            policies: dict[str, Any] = {"default-deny": default_deny(), "allow-dns": allow_dns()}
            policies |= explicit_allows(spec.role, spec.name, vpc_cidr=args.vpc_cidr, namespaces=by_role, alb_cidrs=args.alb_cidrs)
            for policy_name, policy in policies.items():
                k8s.networking.v1.NetworkPolicy(
                    f"{name}-netpol-{spec.name}-{policy_name}",
                    metadata={"name": policy_name, "namespace": ns.metadata.name, "labels": args.labels},
                    spec=policy,
                    opts=ns_opts,
                )
            if spec.role == "app":
                self._deployer(name, spec.name, ns.metadata.name, args, ns_opts)
        self._read_only(name, args, child)
        self.register_outputs({"namespaceNames": self.namespace_names})

    @staticmethod
    def _metadata(spec: NamespaceSpec, labels: dict[str, str]) -> Any:  # ObjectMeta, as Kubernetes spells it
        pss = {
            f"{POD_SECURITY}/enforce": spec.pod_security,
            f"{POD_SECURITY}/enforce-version": "latest",
            f"{POD_SECURITY}/audit": "restricted",
            f"{POD_SECURITY}/warn": "restricted",
        }
        annotations = {REASON_ANNOTATION: spec.reason} if spec.reason else {}
        return {"name": spec.name, "labels": {**labels, **pss, "platform.io/namespace-role": spec.role}, "annotations": annotations}

    @staticmethod
    def _rules(resources: dict[str, list[str]], verbs: list[str]) -> Any:  # PolicyRules, as Kubernetes spells them
        return [{"apiGroups": [group], "resources": names, "verbs": verbs} for group, names in resources.items()]

    @staticmethod
    def _role_ref(kind: str, role_name: pulumi.Input[str]) -> Any:  # RoleRef, as Kubernetes spells it
        return {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": role_name}

    @staticmethod
    def _group_subjects(group: str) -> Any:  # Subjects, as Kubernetes spells them
        return [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}]

    def _read_only(self, name: str, args: ClusterBaselineArgs, opts: pulumi.ResourceOptions) -> None:
        role = k8s.rbac.v1.ClusterRole(
            f"{name}-read-only",
            metadata={"name": "platform-read-only", "labels": args.labels},
            rules=self._rules(READ_ONLY_RESOURCES, ["get", "list", "watch"]),
            opts=opts,
        )
        k8s.rbac.v1.ClusterRoleBinding(
            f"{name}-read-only-developers",
            metadata={"name": "platform-read-only-developers", "labels": args.labels},
            role_ref=self._role_ref("ClusterRole", role.metadata.name),
            subjects=self._group_subjects(args.developers_group),
            opts=opts,
        )

    def _deployer(self, name: str, ns_name: str, namespace: pulumi.Output[str], args: ClusterBaselineArgs, opts: pulumi.ResourceOptions) -> None:
        verbs = ["get", "list", "watch", "create", "update", "patch", "delete"]
        role = k8s.rbac.v1.Role(
            f"{name}-deployer-{ns_name}",
            metadata={"name": "app-deployer", "namespace": namespace, "labels": args.labels},
            rules=self._rules(DEPLOYER_RESOURCES, verbs),
            opts=opts,
        )
        k8s.rbac.v1.RoleBinding(
            f"{name}-deployer-{ns_name}-binding",
            metadata={"name": "app-deployer", "namespace": namespace, "labels": args.labels},
            role_ref=self._role_ref("Role", role.metadata.name),
            subjects=self._group_subjects(args.deployers_group),
            opts=opts,
        )
