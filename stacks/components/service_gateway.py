"""A public service at the gateway: its Kong route, its consumer, rate limits counted in Redis, JWT credentials keyed by `kid`.

The open-source `jwt` plugin does not read a JWKS URL: it verifies a token against the consumer credential whose
`key` equals the token's `kid`. The user pool's public keys are turned into such credentials by ExternalSecrets that
fetch the pool's JWKS (ESO's webhook provider) and render each key as PEM (`jwkPublicKeyPem`), refreshed hourly, so
a key rotation reaches Kong without a deploy. Cognito publishes two keys (ID and access tokens): one credential each.
The `local` rate-limiting policy counts per Kong pod (the limit times the replicas); `redis` counts once, in the store
beside Kong that the addons layer runs (RateLimitStore).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
from pulumi_kubernetes.apiextensions import CustomResource

from stacks.components.kong_plugins import KONG_API

ESO_API = "external-secrets.io/v1beta1"
JWKS_STORE = "user-pool-jwks"
USER_POOL_KEYS = 2


class KongObject(CustomResource):
    """A KongPlugin or KongConsumer: like KongClusterPlugin they keep their fields (plugin, config, username, ...) at the top level."""

    def __init__(self, resource_name: str, *, kind: str, metadata: dict[str, Any], fields: dict[str, Any], opts: pulumi.ResourceOptions) -> None:
        props = {"apiVersion": KONG_API, "kind": kind, "metadata": metadata, **fields}
        pulumi.CustomResource.__init__(self, f"kubernetes:{KONG_API}:{kind}", resource_name, props, opts)


def jwt_credential_spec(index: int, consumer: str) -> dict[str, Any]:
    """An ExternalSecret making the Kong JWT credential of the user pool's key number `index`."""
    return {
        "refreshInterval": "1h",
        "secretStoreRef": {"kind": "SecretStore", "name": f"{JWKS_STORE}-{index}"},
        "target": {
            "name": f"{consumer}-jwt-{index}",
            "creationPolicy": "Owner",
            "template": {
                "metadata": {"labels": {"konghq.com/credential": "jwt"}},
                "data": {
                    "key": "{{ (.jwk | fromJson).kid }}",
                    "algorithm": "RS256",
                    "rsa_public_key": "{{ .jwk | jwkPublicKeyPem }}",
                },
            },
        },
        "data": [{"secretKey": "jwk", "remoteRef": {"key": "jwks"}}],  # the store's URL and JSONPath say which key
    }


@dataclass
class ServiceGatewayArgs:
    provider: k8s.Provider
    service: str
    namespace: pulumi.Input[str]
    ingress_class: pulumi.Input[str]
    jwks_url: pulumi.Input[str]
    requests_per_minute: int
    redis_host: pulumi.Input[str]  # the addons layer's rate-limit store
    public_hostname: pulumi.Input[str]  # api.<env>.<domain>, the ALB in front of Kong: the route is https://<host>/<service>/
    port: int = 80  # the service's Kubernetes Service port
    depends_on: list[pulumi.Resource] = field(default_factory=list)  # the namespace
    labels: dict[str, str] = field(default_factory=dict)


class ServiceGateway(pulumi.ComponentResource):
    consumer: str
    plugins: list[str]
    route_path: str

    def __init__(self, name: str, args: ServiceGatewayArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:service:ServiceGateway", name, None, opts)
        ns, svc = args.namespace, args.service
        child = pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=args.depends_on)
        kong_class = {"kubernetes.io/ingress.class": args.ingress_class}
        rate_limit, jwt = f"{svc}-rate-limit", f"{svc}-jwt"
        KongObject(
            f"{name}-rate-limit", kind="KongPlugin",
            metadata={"name": rate_limit, "namespace": ns, "labels": args.labels, "annotations": kong_class},
            fields={"plugin": "rate-limiting", "config": {
                "minute": args.requests_per_minute,
                "limit_by": "consumer",
                "policy": "redis",  # one count across every Kong replica
                # In-cluster and reachable by Kong's pods only (NetworkPolicy); counters, no credentials or user data.
                "redis": {"host": args.redis_host, "port": 6379, "database": 0, "timeout": 200},
                "fault_tolerant": True,  # Redis down: let traffic through rather than fail every request
            }},
            opts=child,
        )
        KongObject(
            f"{name}-jwt", kind="KongPlugin",
            metadata={"name": jwt, "namespace": ns, "labels": args.labels, "annotations": kong_class},
            fields={"plugin": "jwt", "config": {"key_claim_name": "kid", "header_names": ["authorization"], "uri_param_names": [], "cookie_names": [],
                                                "claims_to_verify": ["exp"], "maximum_expiration": 86400, "secret_is_base64": False}},
            opts=child,
        )
        credentials = []
        for index in range(USER_POOL_KEYS):
            # One store per key: the store's JSONPath picks the key, so nothing depends on templating inside it.
            store = CustomResource(
                f"{name}-jwks-store-{index}", api_version=ESO_API, kind="SecretStore",
                metadata={"name": f"{JWKS_STORE}-{index}", "namespace": ns, "labels": args.labels},
                # The JWKS is public: no credentials.
                spec={"provider": {"webhook": {"url": args.jwks_url, "method": "GET", "result": {"jsonPath": f"$.keys[{index}]"}}}},
                opts=child,
            )
            CustomResource(
                f"{name}-jwt-key-{index}", api_version=ESO_API, kind="ExternalSecret",
                metadata={"name": f"{svc}-jwt-{index}", "namespace": ns, "labels": args.labels},
                spec=jwt_credential_spec(index, svc),
                opts=pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[store]),
            )
            credentials.append(f"{svc}-jwt-{index}")
        KongObject(
            f"{name}-consumer", kind="KongConsumer",
            metadata={"name": svc, "namespace": ns, "labels": args.labels, "annotations": {**kong_class, "konghq.com/plugins": rate_limit}},
            fields={"username": svc, "credentials": credentials},
            opts=child,
        )
        self.route_path = f"/{svc}/"
        k8s.networking.v1.Ingress(
            f"{name}-route",
            metadata={
                "name": f"{svc}-public", "namespace": ns, "labels": args.labels,
                # JWT on the route; the rate limit rides on the consumer the token identifies (KongConsumer below).
                "annotations": {"konghq.com/plugins": jwt, "konghq.com/strip-path": "true"},
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
        self.consumer = svc
        self.plugins = [jwt, rate_limit]
        self.register_outputs({"consumer": self.consumer, "plugins": self.plugins, "routePath": self.route_path})
