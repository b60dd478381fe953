"""The identity layer: the Cognito user pool that issues the JWTs Kong and the services trust, its clients and SSO."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from stacks.components.app_clients import AppClients, AppClientsArgs
from stacks.components.github_oidc_provider import GithubOidcProvider, GithubOidcProviderArgs
from stacks.components.hosted_domain import HostedDomain, HostedDomainArgs
from stacks.components.identity_providers import IdentityProviders, IdentityProvidersArgs
from stacks.components.user_pool import UserPool, UserPoolArgs
from stacks.identity.settings import IdentitySettings
from stacks.outputs import Layer, export_outputs


def program() -> None:
    settings = IdentitySettings.from_config(pulumi.Config())
    production, tags, prefix = settings.production, settings.tags, settings.prefix
    region = aws.get_region_output().region

    pool = UserPool(
        "users",
        UserPoolArgs(
            pool_name=settings.user_pool_name,
            password_minimum_length=settings.password_minimum_length,
            temporary_password_validity_days=settings.temporary_password_validity_days,
            sms_mfa=settings.sms_mfa,
            self_sign_up=settings.self_sign_up,
            # Losing the pool loses every user's account and MFA enrolment: guarded twice in production.
            deletion_protection=production,
            protect=production,
            tags=tags,
        ),
    )
    providers = IdentityProviders(
        "sso",
        IdentityProvidersArgs(user_pool_id=pool.pool_id, providers=settings.providers),
    )
    clients = AppClients(
        "clients",
        AppClientsArgs(
            name_prefix=prefix,
            user_pool_id=pool.pool_id,
            callback_urls=settings.callback_urls,
            logout_urls=settings.logout_urls,
            mobile_callback_urls=settings.mobile_callback_urls,
            resource_server_identifier=settings.resource_server_identifier,
            resource_server_scopes=settings.resource_server_scopes,
            identity_providers=list(providers.names),
            access_token_minutes=settings.access_token_validity_minutes,
            refresh_token_days=settings.refresh_token_validity_days,
        ),
    )
    domain = HostedDomain("hosted", HostedDomainArgs(prefix=settings.hosted_domain_prefix, user_pool_id=pool.pool_id, region=region))

    github = GithubOidcProvider("github", GithubOidcProviderArgs(existing=settings.github_oidc_provider, tags=tags))

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
