"""Pulumi config of the identity layer: the Cognito user pool, its app clients and SSO providers."""

from __future__ import annotations

from typing import Any

from platformctl.config.platform_file import IdentityProvider, Platform

_DEFAULT_MAPPING = {
    "SAML": {"email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"},
    "OIDC": {"email": "email", "username": "sub"},
}


def oidc_client_secret_name(organisation: str, env: str, provider: str) -> str:
    """The Secrets Manager secret that holds an OIDC provider's client secret (a convention, not a setting).

    platform.yaml never holds secrets, so it does not name them either: an operator stores the
    secret under this name before `platformctl up`.
    """
    return f"{organisation}/{env}/identity/{provider}/client-secret"


def _provider(platform: Platform, env: str, provider: IdentityProvider) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": provider.name,
        "type": provider.type,
        "attributeMapping": provider.attribute_mapping or _DEFAULT_MAPPING[provider.type],
    }
    if provider.type == "SAML":
        entry["metadataUrl"] = provider.metadata_url
    else:
        entry["issuer"] = provider.issuer
        entry["clientId"] = provider.client_id
        entry["scopes"] = list(provider.scopes)
        entry["clientSecretName"] = oidc_client_secret_name(platform.organisation, env, provider.name)
    return entry


def build(platform: Platform, env: str) -> dict[str, Any]:
    identity = platform.identity
    return {
        "userPoolName": f"{platform.organisation}-{env}-users",
        "hostedDomainPrefix": f"{platform.organisation}-{env}-auth",
        "callbackUrls": list(identity.callback_urls),
        "logoutUrls": list(identity.logout_urls),
        "mobileCallbackUrls": list(identity.mobile_callback_urls) or [f"{platform.organisation}://auth/callback"],
        "resourceServerIdentifier": f"https://api.{env}.{platform.domain}",
        "resourceServerScopes": list(identity.resource_server_scopes),
        "providers": [_provider(platform, env, p) for p in identity.providers],
        "passwordMinimumLength": identity.password_policy.min_length,
        "temporaryPasswordValidityDays": identity.password_policy.temporary_validity_days,
        "accessTokenValidityMinutes": identity.access_token_minutes,
        "refreshTokenValidityDays": identity.refresh_token_days,
        "smsMfa": identity.sms_mfa,
        "selfSignUp": identity.self_sign_up,
        # IAM allows one provider per issuer and account: an environment sharing an account with one that created it names its ARN.
        "githubOidcProvider": identity.github_oidc_provider_arn or "create",
    }
