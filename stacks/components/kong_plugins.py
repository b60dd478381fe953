"""Kong plugins that every service route uses: JWT validation against the identity layer, per-user rate limiting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
from pulumi_kubernetes.apiextensions import CustomResource

KONG_API = "configuration.konghq.com/v1"
JWT_PLUGIN = "platform-jwt"
RATE_LIMIT_PLUGIN = "platform-rate-limit"


class KongClusterPlugin(CustomResource):
    """A KongClusterPlugin: unlike most custom resources it keeps `plugin` and `config` at the top level, not in `spec`."""

    def __init__(self, resource_name: str, *, metadata: dict[str, Any], plugin: str, config: dict[str, Any], opts: pulumi.ResourceOptions) -> None:
        props = {"apiVersion": KONG_API, "kind": "KongClusterPlugin", "metadata": metadata, "plugin": plugin, "config": config}
        pulumi.CustomResource.__init__(self, f"kubernetes:{KONG_API}:KongClusterPlugin", resource_name, props, opts)


@dataclass
class KongPluginsArgs:
    provider: k8s.Provider
    issuer_url: pulumi.Input[str]
    jwks_url: pulumi.Input[str]
    ingress_class: str
    requests_per_minute: int
    redis_host: str  # the addons layer's rate-limit store (RateLimitStore)
    depends_on: list[pulumi.Resource] = field(default_factory=list)  # the Kong release, which installs the CRDs
    labels: dict[str, str] = field(default_factory=dict)


class KongPlugins(pulumi.ComponentResource):
    """Cluster-wide plugins that services attach to their routes with `konghq.com/plugins: platform-jwt,platform-rate-limit`."""

    plugin_names: list[str]

    def __init__(self, name: str, args: KongPluginsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:addons:KongPlugins", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=args.depends_on)
        annotations = {"kubernetes.io/ingress.class": args.ingress_class}
        KongClusterPlugin(
            f"{name}-jwt",
            metadata={"name": JWT_PLUGIN, "annotations": annotations, "labels": args.labels},
            plugin="openid-connect",
            config={
                # Tokens are verified locally against the issuer's JWKS: signature, issuer, expiry.
                "issuer": args.issuer_url,
                "issuers_allowed": [args.issuer_url],
                "extra_jwks_uris": [args.jwks_url],
                "auth_methods": ["bearer"],
                "bearer_token_param_type": ["header"],
                "verify_signature": True,
                "verify_claims": True,
                # The subject becomes the request's (virtual) credential, which the rate limiter keys on.
                "credential_claim": ["sub"],
                "upstream_headers_claims": ["sub"],
                "upstream_headers_names": ["x-authenticated-userid"],
            },
            opts=child,
        )
        KongClusterPlugin(
            f"{name}-rate-limit",
            metadata={"name": RATE_LIMIT_PLUGIN, "annotations": annotations, "labels": args.labels},
            plugin="rate-limiting",
            config={
                "minute": args.requests_per_minute,
                "limit_by": "credential",  # per user (JWT subject), not per IP: users behind one NAT do not share a budget
                # One count across every Kong replica (`local` would multiply the limit by their number).
                "policy": "redis",
                "redis": {"host": args.redis_host, "port": 6379, "database": 0, "timeout": 200},
                "fault_tolerant": True,
                "hide_client_headers": False,
            },
            opts=child,
        )
        self.plugin_names = [JWT_PLUGIN, RATE_LIMIT_PLUGIN]
        self.register_outputs({"pluginNames": self.plugin_names})
