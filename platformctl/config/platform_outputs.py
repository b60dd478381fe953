"""The layer outputs a deploy reads, typed: the values the platform's stacks exported for one environment.

The file is `{"<layer>": {<output name>: value}}`, what `pulumi stack output --json` prints per layer
stack. Field aliases are the names declared in stacks/outputs.py (a test holds them to it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from platformctl.errors import ConfigError, UsageError


class _Layer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class NetworkOutputs(_Layer):
    vpc_cidr: str = Field(alias="vpcCidr")


class ClusterOutputs(_Layer):
    cluster_name: str = Field(alias="clusterName")
    oidc_provider_arn: str = Field(alias="oidcProviderArn")

    @property
    def account_id(self) -> str:
        # arn:aws:iam::<account>:oidc-provider/…: the account that owns the cluster and its roles.
        return self.oidc_provider_arn.split(":")[4]


class IdentityOutputs(_Layer):
    issuer_url: str = Field(alias="issuerUrl")
    jwks_url: str = Field(alias="jwksUrl")
    audiences: list[str] = Field(alias="audiences", min_length=1)


class AddonsOutputs(_Layer):
    ingress_class: str = Field(alias="ingressClass")
    secret_store_name: str = Field(alias="secretStoreName")


class DataOutputs(_Layer):
    db_endpoint: str = Field(alias="dbEndpoint")
    db_port: int = Field(alias="dbPort")
    redis_primary_endpoint: str = Field(alias="redisPrimaryEndpoint")
    search_domain_endpoint: str | None = Field(None, alias="searchDomainEndpoint")


class MessagingOutputs(_Layer):
    queue_urls: dict[str, str] = Field(default_factory=dict, alias="queueUrls")


class EdgeOutputs(_Layer):
    api_hostname: str = Field(alias="apiHostname")


class PlatformOutputs(_Layer):
    """Everything the manifests of a service take from the platform's layers."""

    network: NetworkOutputs
    cluster: ClusterOutputs
    identity: IdentityOutputs
    addons: AddonsOutputs
    data: DataOutputs
    messaging: MessagingOutputs = MessagingOutputs()
    edge: EdgeOutputs


def parse_outputs(document: Any, *, source: str) -> PlatformOutputs:
    """Validate a layer-outputs document.

    Raises:
        ConfigError: one line per missing or mistyped output.
    """
    try:
        return PlatformOutputs.model_validate(document)
    except ValidationError as exc:
        details = [f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()]
        raise ConfigError(
            f"{source} lacks layer outputs that deploy needs.",
            hint="Write it from the layer stacks (`pulumi stack output --json` per layer, keyed by layer name).",
            details=details,
        ) from None


def load_outputs(path: Path) -> PlatformOutputs:
    """Read a layer-outputs JSON file.

    Raises:
        UsageError: the file is missing or not JSON.
        ConfigError: outputs are missing.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path} does not exist.", hint="Pass --outputs with the environment's layer outputs file.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"Cannot read layer outputs from {path}: {exc}.", hint="It must be a JSON object keyed by layer name.") from None
    return parse_outputs(document, source=str(path))
