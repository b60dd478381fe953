"""The identity layer's Pulumi config as one typed object (the program reads config only here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stacks.components.identity_providers import ProviderSpec
from stacks.layer_settings import ConfigSource, LayerSettings, read_common


def _provider(raw: dict[str, Any]) -> ProviderSpec:
    """One entry of the `providers` config (platform.yaml identity.providers, secret name added by convention)."""
    return ProviderSpec(
        name=raw["name"],
        type=raw["type"],
        attribute_mapping=dict(raw.get("attributeMapping") or {}),
        metadata_url=raw.get("metadataUrl"),
        issuer=raw.get("issuer"),
        client_id=raw.get("clientId"),
        scopes=tuple(raw.get("scopes") or ("openid", "email", "profile")),
        client_secret_name=raw.get("clientSecretName"),
    )


@dataclass(frozen=True, kw_only=True)
class IdentitySettings(LayerSettings):
    user_pool_name: str
    password_minimum_length: int
    temporary_password_validity_days: int
    sms_mfa: bool
    self_sign_up: bool
    providers: list[ProviderSpec]
    callback_urls: list[str]
    logout_urls: list[str]
    mobile_callback_urls: list[str]
    resource_server_identifier: str
    resource_server_scopes: list[str]
    access_token_validity_minutes: int
    refresh_token_validity_days: int
    hosted_domain_prefix: str
    github_oidc_provider: str  # "create", or the ARN of the account's existing GitHub OIDC provider

    @classmethod
    def from_config(cls, config: ConfigSource) -> IdentitySettings:
        return cls(
            **read_common(config),
            user_pool_name=config.require("userPoolName"),
            password_minimum_length=config.require_int("passwordMinimumLength"),
            temporary_password_validity_days=config.require_int("temporaryPasswordValidityDays"),
            sms_mfa=config.require_bool("smsMfa"),
            self_sign_up=config.require_bool("selfSignUp"),
            providers=[_provider(p) for p in config.require_object("providers")],
            callback_urls=list(config.require_object("callbackUrls")),
            logout_urls=list(config.require_object("logoutUrls")),
            mobile_callback_urls=list(config.require_object("mobileCallbackUrls")),
            resource_server_identifier=config.require("resourceServerIdentifier"),
            resource_server_scopes=list(config.require_object("resourceServerScopes")),
            access_token_validity_minutes=config.require_int("accessTokenValidityMinutes"),
            refresh_token_validity_days=config.require_int("refreshTokenValidityDays"),
            hosted_domain_prefix=config.require("hostedDomainPrefix"),
            github_oidc_provider=config.require("githubOidcProvider"),
        )
