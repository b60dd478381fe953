"""The gateway's consumer for the platform's user pool: Kong JWT credentials keyed by `kid`, made from the pool's JWKS.

The open-source `jwt` plugin does not read a JWKS URL: it verifies a token against the consumer credential whose
`key` equals the token's `kid`. ExternalSecrets fetch the pool's JWKS (ESO's webhook provider; the JWKS is public)
and render each key as PEM (`jwkPublicKeyPem`), refreshed hourly, so a key rotation reaches Kong without a deploy.
Cognito publishes two keys (ID and access tokens): one credential each.

One consumer for the whole platform, not one per service: Kong requires a JWT credential's `key` to be unique
across consumers, so a second consumer holding the same `kid` would make Kong refuse the whole configuration.
Services attach the `jwt` plugin to their routes (stacks/components/service_gateway.py); every valid token
authenticates as this consumer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
from pulumi_kubernetes.apiextensions import CustomResource

from stacks.components.kong_plugins import KONG_API

ESO_API = "external-secrets.io/v1beta1"
CONSUMER = "user-pool"
JWKS_STORE = "user-pool-jwks"
USER_POOL_KEYS = 2


class KongObject(CustomResource):
    """A KongPlugin or KongConsumer: like KongClusterPlugin they keep their fields (plugin, config, username, ...) at the top level."""

    def __init__(self, resource_name: str, *, kind: str, metadata: dict[str, Any], fields: dict[str, Any], opts: pulumi.ResourceOptions) -> None:
        props = {"apiVersion": KONG_API, "kind": kind, "metadata": metadata, **fields}
        pulumi.CustomResource.__init__(self, f"kubernetes:{KONG_API}:{kind}", resource_name, props, opts)


def jwt_credential_spec(index: int) -> dict[str, Any]:
    """An ExternalSecret making the Kong JWT credential of the user pool's key number `index`."""
    return {
        "refreshInterval": "1h",
        "secretStoreRef": {"kind": "SecretStore", "name": f"{JWKS_STORE}-{index}"},
        "target": {
            "name": f"{CONSUMER}-jwt-{index}",
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
class UserPoolConsumerArgs:
    provider: k8s.Provider
    namespace: str  # Kong's: a consumer's credential Secrets live beside it
    jwks_url: pulumi.Input[str]
    ingress_class: str
    depends_on: list[pulumi.Resource] = field(default_factory=list)  # Kong (its CRDs) and External Secrets
    labels: dict[str, str] = field(default_factory=dict)


class UserPoolConsumer(pulumi.ComponentResource):
    consumer: str

    def __init__(self, name: str, args: UserPoolConsumerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:addons:UserPoolConsumer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=args.depends_on)
        credentials = []
        for index in range(USER_POOL_KEYS):
            # One store per key: the store's JSONPath picks the key, so nothing depends on templating inside it.
            store = CustomResource(
                f"{name}-jwks-store-{index}", api_version=ESO_API, kind="SecretStore",
                metadata={"name": f"{JWKS_STORE}-{index}", "namespace": args.namespace, "labels": args.labels},
                spec={"provider": {"webhook": {"url": args.jwks_url, "method": "GET", "result": {"jsonPath": f"$.keys[{index}]"}}}},
                opts=child,
            )
            CustomResource(
                f"{name}-jwt-key-{index}", api_version=ESO_API, kind="ExternalSecret",
                metadata={"name": f"{CONSUMER}-jwt-{index}", "namespace": args.namespace, "labels": args.labels},
                spec=jwt_credential_spec(index),
                opts=pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[store]),
            )
            credentials.append(f"{CONSUMER}-jwt-{index}")
        KongObject(
            f"{name}-consumer", kind="KongConsumer",
            metadata={"name": CONSUMER, "namespace": args.namespace, "labels": args.labels, "annotations": {"kubernetes.io/ingress.class": args.ingress_class}},
            fields={"username": CONSUMER, "credentials": credentials},
            opts=child,
        )
        self.consumer = CONSUMER
        self.register_outputs({"consumer": self.consumer})
