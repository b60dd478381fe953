"""A public service at the gateway: its Kong route on the public entry's host, JWT verified, rate limited in Redis.

Tokens are verified by the open-source `jwt` plugin against the user pool's keys, which the addons layer holds as
credentials of one consumer keyed by `kid` (stacks/components/user_pool_consumer.py: Kong allows a `kid` on one
consumer only). The service's own rate limit counts per route and consumer in the Redis beside Kong
(RateLimitStore): `local` would count per Kong pod, multiplying the limit by the replicas.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from stacks.components.user_pool_consumer import KongObject


@dataclass
class ServiceGatewayArgs:
    provider: k8s.Provider
    service: str
    namespace: pulumi.Input[str]
    ingress_class: pulumi.Input[str]
    requests_per_minute: int
    redis_host: pulumi.Input[str]  # the addons layer's rate-limit store
    public_hostname: pulumi.Input[str]  # api.<env>.<domain>, the ALB in front of Kong: the route is https://<host>/<service>/
    port: int = 80  # the service's Kubernetes Service port
    depends_on: list[pulumi.Resource] = field(default_factory=list)  # the namespace
    labels: dict[str, str] = field(default_factory=dict)


class ServiceGateway(pulumi.ComponentResource):
    plugins: list[str]
    route_path: str

    def __init__(self, name: str, args: ServiceGatewayArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:service:ServiceGateway", name, None, opts)
        ns, svc = args.namespace, args.service
        child = pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=args.depends_on)
        kong_class = {"kubernetes.io/ingress.class": args.ingress_class}
        rate_limit, jwt = f"{svc}-rate-limit", f"{svc}-jwt"
        KongObject(
            f"{name}-jwt", kind="KongPlugin",
            metadata={"name": jwt, "namespace": ns, "labels": args.labels, "annotations": kong_class},
            fields={"plugin": "jwt", "config": {"key_claim_name": "kid", "header_names": ["authorization"], "uri_param_names": [], "cookie_names": [],
                                                "claims_to_verify": ["exp"], "maximum_expiration": 86400, "secret_is_base64": False}},
            opts=child,
        )
        KongObject(
            f"{name}-rate-limit", kind="KongPlugin",
            metadata={"name": rate_limit, "namespace": ns, "labels": args.labels, "annotations": kong_class},
            fields={"plugin": "rate-limiting", "config": {
                "minute": args.requests_per_minute,
                "limit_by": "consumer",  # on this route: the service's budget for the user pool's tokens
                "policy": "redis",  # one count across every Kong replica
                # In-cluster and reachable by Kong's pods only (NetworkPolicy); counters, no credentials or user data.
                "redis": {"host": args.redis_host, "port": 6379, "database": 0, "timeout": 200},
                "fault_tolerant": True,  # Redis down: let traffic through rather than fail every request
            }},
            opts=child,
        )
        self.route_path = f"/{svc}/"
        k8s.networking.v1.Ingress(  # type: ignore[call-overload]  # camelCase manifest dicts; the SDK's ArgsDicts spell snake_case
            f"{name}-route",
            metadata={
                "name": f"{svc}-public", "namespace": ns, "labels": args.labels,
                "annotations": {"konghq.com/plugins": f"{jwt},{rate_limit}", "konghq.com/strip-path": "true"},
            },
            spec={
                "ingressClassName": args.ingress_class,
                "rules": [{"host": args.public_hostname, "http": {"paths": [{
                    "path": self.route_path, "pathType": "Prefix",
                    "backend": {"service": {"name": svc, "port": {"number": args.port}}},
                }]}}],
            },
            opts=child,
        )
        self.plugins = [jwt, rate_limit]
        self.register_outputs({"plugins": self.plugins, "routePath": self.route_path})
