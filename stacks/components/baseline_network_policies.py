"""NetworkPolicy specs of the cluster baseline: default deny, DNS, and the explicit allows each namespace needs.

Pure functions (no resources), so the rules read as data and can be tested without Pulumi.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pulumi

ANYWHERE = "0.0.0.0/0"
ALL_PODS: dict[str, Any] = {}


def _ports(protocol: str, *numbers: int) -> list[dict[str, Any]]:
    return [{"protocol": protocol, "port": n} for n in numbers]


def _namespace(name: str) -> dict[str, Any]:
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


def default_deny() -> dict[str, Any]:
    """Every pod of the namespace: no traffic in or out unless another policy allows it."""
    return {"podSelector": ALL_PODS, "policyTypes": ["Ingress", "Egress"], "ingress": [], "egress": []}


def allow_dns() -> dict[str, Any]:
    """Egress to the cluster DNS (CoreDNS in kube-system) on port 53, UDP and TCP."""
    return {
        "podSelector": ALL_PODS,
        "policyTypes": ["Egress"],
        "egress": [
            {
                "to": [{**_namespace("kube-system"), "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                "ports": _ports("UDP", 53) + _ports("TCP", 53),
            }
        ],
    }


# Every app namespace carries this label (the baseline's and each service stack's), so platform namespaces allow
# "the apps" by label: a service's new namespace is covered without changing the addons layer.
APP_NAMESPACES: dict[str, Any] = {"namespaceSelector": {"matchLabels": {"platform.io/namespace-role": "app"}}}


def explicit_allows(
    role: str, namespace: str, *, vpc_cidr: pulumi.Input[str], namespaces: dict[str, str], alb_cidrs: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Named allow policies for a namespace by its role (system, ingress, observability, app).

    Args:
        role: which kind of namespace this is.
        namespace: its name.
        vpc_cidr: the VPC range; the EKS control plane (webhooks, metrics) and the NLB reach pods from it.
        namespaces: role -> namespace name of the platform namespaces.
        alb_cidrs: the public subnets, where the public entry's ALB reaches Kong's proxy from (none: the VPC).
    """
    alb_sources: list[Any] = [*alb_cidrs] if alb_cidrs else [vpc_cidr]  # the ALB's subnets; else the VPC (Any: a CIDR may be an Output)
    # AWS APIs (through VPC endpoints or NAT) and the Kubernetes API are all HTTPS.
    https_out = {"podSelector": ALL_PODS, "policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {"cidr": ANYWHERE}}], "ports": _ports("TCP", 443)}]}
    same_namespace = {
        "podSelector": ALL_PODS,
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [{"from": [{"podSelector": ALL_PODS}]}],
        "egress": [{"to": [{"podSelector": ALL_PODS}]}],
    }
    if role == "system":
        return {
            "allow-https-egress": https_out,
            # Admission webhooks (ALB controller 9443, external-secrets 10250, Karpenter 8443) and metrics-server
            # are called by the control plane, whose ENIs live in the VPC; metrics-server scrapes kubelets on 10250.
            "allow-control-plane": {
                "podSelector": ALL_PODS,
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"from": [{"ipBlock": {"cidr": vpc_cidr}}], "ports": _ports("TCP", 443, 8443, 9443, 10250)}],
                "egress": [{"to": [{"ipBlock": {"cidr": vpc_cidr}}], "ports": _ports("TCP", 10250)}],
            },
        }
    if role == "ingress":
        return {
            "allow-https-egress": https_out,
            # Kong's proxy (8000) and status (8100, the ALB's health check) only from the public entry's ALB, whose
            # nodes live in the public subnets; nothing else in the VPC reaches the proxy.
            "allow-proxy-from-alb": {
                "podSelector": ALL_PODS,
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"ipBlock": {"cidr": c}} for c in alb_sources], "ports": _ports("TCP", 8000, 8100)}],
            },
            # The ingress controller's admission webhook is called by the control plane, whose ENIs live in the VPC.
            "allow-webhook-from-control-plane": {
                "podSelector": ALL_PODS,
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"ipBlock": {"cidr": vpc_cidr}}], "ports": _ports("TCP", 8080)}],
            },
            "allow-to-apps": {"podSelector": ALL_PODS, "policyTypes": ["Egress"], "egress": [{"to": [APP_NAMESPACES]}]},
        }
    if role == "observability":
        return {
            "allow-https-egress": https_out,
            "allow-same-namespace": same_namespace,
            # The node agent scrapes kubelets; services send DogStatsD (8125/udp) and traces (8126/tcp).
            "allow-kubelet": {
                "podSelector": ALL_PODS, "policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {"cidr": vpc_cidr}}], "ports": _ports("TCP", 10250)}],
            },
            "allow-telemetry-from-apps": {
                "podSelector": ALL_PODS,
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [APP_NAMESPACES], "ports": _ports("UDP", 8125) + _ports("TCP", 8126)}],
            },
        }
    return {
        "allow-https-egress": https_out,
        "allow-from-gateway": {"podSelector": ALL_PODS, "policyTypes": ["Ingress"], "ingress": [{"from": [_namespace(namespaces["ingress"])]}]},
        # PostgreSQL, Redis and OpenSearch (443, covered above) live in the VPC's data subnets.
        "allow-data-stores": {
            "podSelector": ALL_PODS, "policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {"cidr": vpc_cidr}}], "ports": _ports("TCP", 5432, 6379)}],
        },
        "allow-telemetry-out": {
            "podSelector": ALL_PODS,
            "policyTypes": ["Egress"],
            "egress": [{"to": [_namespace(namespaces["observability"])], "ports": _ports("UDP", 8125) + _ports("TCP", 8126)}],
        },
    }
