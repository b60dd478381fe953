"""The Redis that Kong's rate limiters count in: one small in-cluster instance beside Kong, reachable by Kong only.

Why not the data layer's ElastiCache: it admits IAM-authenticated users only (no password exists on the platform),
and Kong's open-source rate-limiting plugin speaks password AUTH at most. Counters are minutes-long and cheap to
lose (the plugin is fault tolerant), so this store keeps nothing on disk; a NetworkPolicy lets only Kong's pods in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from stacks.components.addon_release import RESTRICTED_CONTAINER, RESTRICTED_POD

REDIS_IMAGE = "public.ecr.aws/docker/library/redis:7.4-alpine"
REDIS_UID = 999  # the image's redis user
NAME = "kong-rate-limits"
PORT = 6379


@dataclass
class RateLimitStoreArgs:
    provider: k8s.Provider
    namespace: str  # Kong's
    kong_pod_labels: dict[str, str]  # what selects Kong's proxy pods, the only clients
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


class RateLimitStore(pulumi.ComponentResource):
    host: str  # the in-cluster DNS name Kong plugins point at

    def __init__(self, name: str, args: RateLimitStoreArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:addons:RateLimitStore", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=args.depends_on)
        selector = {"app.kubernetes.io/name": NAME}
        k8s.apps.v1.Deployment(  # type: ignore[call-overload]  # camelCase manifest dicts; the SDK's ArgsDicts spell snake_case
            f"{name}-deployment",
            metadata={"name": NAME, "namespace": args.namespace, "labels": {**args.labels, **selector}},
            spec={
                "replicas": 1,
                "selector": {"matchLabels": selector},
                "template": {
                    "metadata": {"labels": {**args.labels, **selector}},
                    "spec": {
                        "automountServiceAccountToken": False,
                        "securityContext": {**RESTRICTED_POD, "runAsUser": REDIS_UID, "runAsGroup": REDIS_UID},
                        "containers": [{
                            "name": "redis",
                            "image": REDIS_IMAGE,
                            # Counters only: no snapshots, no append-only file, bounded memory with LRU eviction.
                            "args": ["--save", "", "--appendonly", "no", "--maxmemory", "200mb", "--maxmemory-policy", "allkeys-lru"],
                            "ports": [{"containerPort": PORT, "name": "redis"}],
                            "securityContext": RESTRICTED_CONTAINER,
                            "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
                            "readinessProbe": {"tcpSocket": {"port": PORT}, "periodSeconds": 5},
                            "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                        }],
                        "volumes": [{"name": "data", "emptyDir": {"sizeLimit": "64Mi"}}],
                    },
                },
            },
            opts=child,
        )
        k8s.core.v1.Service(  # type: ignore[call-overload]  # camelCase manifest dicts; the SDK's ArgsDicts spell snake_case
            f"{name}-service",
            metadata={"name": NAME, "namespace": args.namespace, "labels": args.labels},
            spec={"selector": selector, "ports": [{"port": PORT, "targetPort": PORT, "name": "redis"}]},
            opts=child,
        )
        k8s.networking.v1.NetworkPolicy(  # type: ignore[call-overload]  # camelCase manifest dicts; the SDK's ArgsDicts spell snake_case
            f"{name}-from-kong",
            metadata={"name": f"{NAME}-from-kong", "namespace": args.namespace, "labels": args.labels},
            spec={
                "podSelector": {"matchLabels": selector},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"podSelector": {"matchLabels": args.kong_pod_labels}}], "ports": [{"protocol": "TCP", "port": PORT}]}],
            },
            opts=child,
        )
        k8s.networking.v1.NetworkPolicy(  # type: ignore[call-overload]  # camelCase manifest dicts; the SDK's ArgsDicts spell snake_case
            f"{name}-kong-egress",
            metadata={"name": "kong-to-rate-limits", "namespace": args.namespace, "labels": args.labels},
            spec={
                "podSelector": {"matchLabels": args.kong_pod_labels},
                "policyTypes": ["Egress"],
                "egress": [{"to": [{"podSelector": {"matchLabels": selector}}], "ports": [{"protocol": "TCP", "port": PORT}]}],
            },
            opts=child,
        )
        self.host = f"{NAME}.{args.namespace}.svc.cluster.local"
        self.register_outputs({"host": self.host})
