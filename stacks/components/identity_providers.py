"""SSO: the SAML and OIDC identity providers users may sign in with, federated into the user pool."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class ProviderSpec:
    name: str
    type: Literal["SAML", "OIDC"]
    attribute_mapping: dict[str, str]
    metadata_url: str | None = None  # SAML
    issuer: str | None = None  # OIDC
    client_id: str | None = None  # OIDC
    scopes: tuple[str, ...] = ("openid", "email", "profile")  # OIDC
    # OIDC: the Secrets Manager secret that holds the client secret (never platform.yaml).
    client_secret_name: str | None = None


@dataclass
class IdentityProvidersArgs:
    user_pool_id: pulumi.Input[str]
    providers: list[ProviderSpec] = field(default_factory=list)


class IdentityProviders(pulumi.ComponentResource):
    """One aws.cognito.IdentityProvider per configured provider; `names` are what app clients list."""

    names: list[pulumi.Output[str]]

    def __init__(self, name: str, args: IdentityProvidersArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:identity:IdentityProviders", name, None, opts)
        self.names = []
        for spec in args.providers:
            provider = aws.cognito.IdentityProvider(
                f"{name}-{spec.name}",
                user_pool_id=args.user_pool_id,
                provider_name=spec.name,
                provider_type=spec.type,
                provider_details=self._details(spec),
                attribute_mapping=spec.attribute_mapping,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.names.append(provider.provider_name)
        self.register_outputs({"names": self.names})

    def _details(self, spec: ProviderSpec) -> dict[str, pulumi.Input[str]]:
        if spec.type == "SAML":
            return {"MetadataURL": spec.metadata_url or "", "IDPSignout": "true"}
        # Why Secrets Manager and not a secret Pulumi config value: the IdP's admins rotate this secret, and the
        # operator then updates one secret in the account (named by convention, see stack_config/identity.py)
        # and runs `up`; no stack config file to edit and commit, no secret in platform.yaml or in CI variables.
        # The value is marked secret, so Pulumi state holds it encrypted and plans show "[secret]".
        version = aws.secretsmanager.get_secret_version_output(
            secret_id=spec.client_secret_name, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        return {
            "client_id": spec.client_id or "",
            "client_secret": pulumi.Output.secret(version.secret_string),
            "oidc_issuer": spec.issuer or "",
            "authorize_scopes": " ".join(spec.scopes),
            "attributes_request_method": "GET",
        }
