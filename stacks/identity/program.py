"""The identity layer: the Cognito user pool that issues the JWTs Kong and the services trust, its clients and SSO."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from stacks.components.app_clients import AppClients, AppClientsArgs
from stacks.components.github_oidc_provider import GithubOidcProvider, GithubOidcProviderArgs
from stacks.components.hosted_domain import HostedDomain, HostedDomainArgs
from stacks.components.identity_providers import IdentityProviders, IdentityProvidersArgs, ProviderSpec
from stacks.components.user_pool import UserPool, UserPoolArgs
from stacks.outputs import Layer, export_outputs


def _provider(raw: dict) -> ProviderSpec:
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


def program() -> None:
    config = pulumi.Config()
    organisation = config.require("organisation")
    environment = config.require("environment")
    production = config.require_bool("production")
    tags = config.require_object("tags")
    prefix = f"{organisation}-{environment}"
    region = aws.get_region_output().region

    pool = UserPool(
        "users",
        UserPoolArgs(
            pool_name=config.require("userPoolName"),
            password_minimum_length=config.require_int("passwordMinimumLength"),
            temporary_password_validity_days=config.require_int("temporaryPasswordValidityDays"),
            sms_mfa=config.require_bool("smsMfa"),
            self_sign_up=config.require_bool("selfSignUp"),
            # Losing the pool loses every user's account and MFA enrolment: guarded twice in production.
            deletion_protection=production,
            protect=production,
            tags=tags,
        ),
    )
    providers = IdentityProviders(
        "sso",
        IdentityProvidersArgs(user_pool_id=pool.pool_id, providers=[_provider(p) for p in config.require_object("providers")]),
    )
    clients = AppClients(
        "clients",
        AppClientsArgs(
            name_prefix=prefix,
            user_pool_id=pool.pool_id,
            callback_urls=list(config.require_object("callbackUrls")),
            logout_urls=list(config.require_object("logoutUrls")),
            mobile_callback_urls=list(config.require_object("mobileCallbackUrls")),
            resource_server_identifier=config.require("resourceServerIdentifier"),
            resource_server_scopes=list(config.require_object("resourceServerScopes")),
            identity_providers=list(providers.names),
            access_token_minutes=config.require_int("accessTokenValidityMinutes"),
            refresh_token_days=config.require_int("refreshTokenValidityDays"),
        ),
    )
    domain = HostedDomain("hosted", HostedDomainArgs(prefix=config.require("hostedDomainPrefix"), user_pool_id=pool.pool_id, region=region))

    github = GithubOidcProvider("github", GithubOidcProviderArgs(existing=config.require("githubOidcProvider"), tags=tags))

    issuer = pulumi.Output.concat("https://cognito-idp.", region, ".amazonaws.com/", pool.pool_id)
    export_outputs(
        Layer.IDENTITY,
        {
            "userPoolId": pool.pool_id,
            "userPoolArn": pool.arn,
            "issuerUrl": issuer,
            "jwksUrl": pulumi.Output.concat(issuer, "/.well-known/jwks.json"),
            # ID tokens carry the client id as `aud`, access tokens as `client_id`: both are checked against this list.
            "audiences": [clients.web_client_id, clients.mobile_client_id, clients.machine_client_id],
            "webClientId": clients.web_client_id,
            "mobileClientId": clients.mobile_client_id,
            "machineClientId": clients.machine_client_id,
            "hostedDomain": domain.hostname,
            "resourceServerIdentifier": clients.resource_server_identifier,
            "resourceServerScopes": clients.api_scopes,
            "githubOidcProviderArn": github.arn,
        },
    )
