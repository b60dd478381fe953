"""Pulumi config of the addons layer: pinned charts, namespaces and their Pod Security levels, add-on settings."""

from __future__ import annotations

from typing import Any

from platformctl.config.platform_file import Platform
from platformctl.config.stack_config import network

# Every chart pinned to an exact version: an add-on upgrade is a reviewed change here, never a surprise.
# Karpenter publishes only to an OCI registry, which Helm cannot use as a `--repo`: its chart is the oci:// reference.
CHARTS: dict[str, dict[str, str]] = {
    "albController": {"chart": "aws-load-balancer-controller", "version": "1.11.0", "repository": "https://aws.github.io/eks-charts"},
    "kong": {"chart": "kong", "version": "2.46.0", "repository": "https://charts.konghq.com"},
    "metricsServer": {"chart": "metrics-server", "version": "3.12.2", "repository": "https://kubernetes-sigs.github.io/metrics-server/"},
    "karpenter": {"chart": "oci://public.ecr.aws/karpenter/karpenter", "version": "1.1.1", "repository": ""},
    "clusterAutoscaler": {"chart": "cluster-autoscaler", "version": "9.43.2", "repository": "https://kubernetes.github.io/autoscaler"},
    "externalDns": {"chart": "external-dns", "version": "1.15.0", "repository": "https://kubernetes-sigs.github.io/external-dns/"},
    "externalSecrets": {"chart": "external-secrets", "version": "0.10.7", "repository": "https://charts.external-secrets.io"},
    "datadog": {"chart": "datadog", "version": "3.84.0", "repository": "https://helm.datadoghq.com"},
    "fluentBit": {"chart": "aws-for-fluent-bit", "version": "0.1.34", "repository": "https://aws.github.io/eks-charts"},
}

SYSTEM_NAMESPACE = "platform-system"
INGRESS_NAMESPACE = "ingress"
OBSERVABILITY_NAMESPACE = "observability"

# Pod Security level enforced per platform namespace. `restricted` unless an add-on cannot run under it:
# Fluent Bit and the Datadog node agent are DaemonSets that read the node's /var/log and container runtime
# socket through hostPath volumes, which both `restricted` and `baseline` forbid.
POD_SECURITY: dict[str, tuple[str, str]] = {
    SYSTEM_NAMESPACE: ("restricted", ""),
    INGRESS_NAMESPACE: ("restricted", ""),
    OBSERVABILITY_NAMESPACE: (
        "privileged",
        "Fluent Bit and the Datadog node agent mount the node's /var/log and container runtime socket (hostPath)",
    ),
}


def build(platform: Platform, env: str) -> dict[str, Any]:
    addons = platform.addons
    cluster = platform.environments[env].cluster
    namespaces = [
        {"name": name, "podSecurity": level, "reason": reason, "kind": "platform"} for name, (level, reason) in POD_SECURITY.items()
    ] + [{"name": name, "podSecurity": "restricted", "reason": "", "kind": "app"} for name in addons.app_namespaces]
    prefix = f"{platform.organisation}/{env}"
    return {
        "autoscaler": cluster.autoscaler,
        "charts": CHARTS,
        "namespaces": namespaces,
        "systemNamespace": SYSTEM_NAMESPACE,
        "ingressNamespace": INGRESS_NAMESPACE,
        "observabilityNamespace": OBSERVABILITY_NAMESPACE,
        # external-dns may write only below the environment's zone, which the edge layer owns.
        "dnsZoneName": f"{env}.{platform.domain}",
        "datadogSite": addons.datadog_site,
        # Names of Secrets Manager secrets whose values an operator puts in; the cluster syncs them, nothing here holds them.
        "datadogApiKeySecretName": f"{prefix}/datadog-api-key",
        "kongLicenseSecretName": f"{prefix}/kong-enterprise-license",
        "logGroupName": f"/platform/{platform.organisation}-{env}/containers",
        "logRetentionDays": cluster.log_retention_days,
        # Karpenter may grow the cluster to about what the node groups' maxima allow, and use spot outside production.
        "nodeCpuLimit": sum(group.max for group in cluster.node_groups) * 8,
        "allowSpot": not platform.is_production(env),
        "rateLimitPerMinute": addons.rate_limit_per_minute,
        "developersGroup": addons.developers_group,
        "deployersGroup": addons.deployers_group,
        # Where the public entry's ALB lives: Kong's proxy admits traffic from these subnets only.
        "publicSubnetCidrs": network.build(platform, env)["publicSubnetCidrs"],
    }
