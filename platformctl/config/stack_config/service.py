"""Pulumi config of a service stack: platform.yaml and the service's service.yaml, keys as stacks/service/Pulumi.yaml declares."""

from __future__ import annotations

from typing import Any

from platformctl.config.platform_file import Platform
from platformctl.config.service_file import ServiceManifest
from platformctl.config.stack_config import common_config
from platformctl.config.stack_config.addons import INGRESS_NAMESPACE, OBSERVABILITY_NAMESPACE, POD_SECURITY, SYSTEM_NAMESPACE

# Kubernetes' own namespaces: a service of that name would land in them.
KUBERNETES_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})
KEEP_IMAGES = 50  # newest images kept in ECR: every environment's deploy history (10 each) with room to spare


def platform_namespaces(platform: Platform) -> frozenset[str]:
    """Namespaces the platform owns, which no service may take as its own."""
    return KUBERNETES_NAMESPACES | frozenset(POD_SECURITY) | frozenset(platform.addons.app_namespaces)


def registry_environment(platform: Platform) -> str:
    """The environment whose service stack makes the ECR repository and build role (IAM and ECR names are per account).

    CI builds an image once and deploys it everywhere, so there is one repository: with the first production
    environment, whose stack is the one never torn down casually; the last environment if none is production.
    """
    names = list(platform.environments)
    return next((env for env in names if platform.is_production(env)), names[-1])


def build(platform: Platform, env: str, manifest: ServiceManifest) -> dict[str, Any]:
    """The whole Pulumi config of `manifest`'s stack in `env` (overrides of that environment merged)."""
    view = manifest.for_environment(env)
    return {
        **common_config(platform, env),
        "service": manifest.name,
        "repository": manifest.repository or f"{platform.organisation}/{manifest.name}",
        "githubEnvironments": [manifest.github_environment(env)],
        "ownsRegistry": env == registry_environment(platform),
        "keepImages": KEEP_IMAGES,
        "features": list(manifest.features),
        "queues": list(manifest.queues),
        "buckets": list(manifest.buckets),
        "database": view.database,
        "route": view.route,
        "secrets": list(manifest.secrets),
        "rateLimitPerMinute": platform.addons.rate_limit_per_minute,
        "port": 80,
        "systemNamespace": SYSTEM_NAMESPACE,
        "ingressNamespace": INGRESS_NAMESPACE,
        "observabilityNamespace": OBSERVABILITY_NAMESPACE,
    }
