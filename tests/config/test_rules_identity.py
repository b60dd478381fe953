"""Rules of the identity section: names Cognito refuses, redirect URLs, password and token bounds, no secrets."""

from __future__ import annotations

import pytest

from platformctl.config.loader import parse_platform
from platformctl.config.sample import sample_text
from platformctl.errors import ConfigError


def _with_identity(extra: str) -> str:
    """The sample with `extra` (indented keys) as the identity section's last lines, in place of the
    sample's lines for the same keys (a key given twice is itself a problem)."""
    text = sample_text()
    assert "\nwarehouse:" in text and text.index("\nidentity:") < text.index("\nwarehouse:"), "identity must precede warehouse"
    keys = {line.strip().split(":", 1)[0] for line in extra.splitlines() if line.strip()}
    head, rest = text.split("\nidentity:", 1)
    section, tail = rest.split("\nwarehouse:", 1)
    kept = [line for line in section.split("\n") if not (line.startswith("  ") and line.strip().split(":", 1)[0] in keys)]
    return f"{head}\nidentity:" + "\n".join(kept) + f"{extra}\nwarehouse:{tail}"


def _details(text: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_platform(text, source="test")
    return raised.value.details


@pytest.mark.parametrize("word", ["aws", "amazon", "cognito"])
def test_an_organisation_cognito_refuses_in_the_hosted_domain_is_refused(word: str) -> None:
    details = _details(sample_text().replace("organisation: acme", f"organisation: my{word}co", 1))
    assert any(line.startswith("organisation") and "hosted domain prefix" in line for line in details), details


@pytest.mark.parametrize("name", ["Google", "COGNITO", "SignInWithApple"])
def test_a_provider_name_cognito_reserves_is_refused(name: str) -> None:
    details = _details(sample_text().replace("  providers: []", f"  providers: [{{name: {name}, type: SAML, metadata_url: https://idp.example.com/m}}]", 1))
    assert any("identity.providers.0.name" in line and "reserves" in line for line in details), details


def test_a_provider_name_used_twice_is_refused() -> None:
    provider = "{name: okta, type: SAML, metadata_url: https://idp.example.com/m}"
    details = _details(sample_text().replace("  providers: []", f"  providers: [{provider}, {provider}]", 1))
    assert any("identity.providers.1.name" in line and "used twice" in line for line in details), details


def test_saml_and_oidc_providers_are_accepted_without_any_secret() -> None:
    providers = (
        "  providers: [{name: okta, type: SAML, metadata_url: https://idp.example.com/m},"
        " {name: corp, type: OIDC, issuer: https://login.example.com, client_id: platform}]"
    )
    platform = parse_platform(sample_text().replace("  providers: []", providers, 1), source="test")
    assert [p.type for p in platform.identity.providers] == ["SAML", "OIDC"]


def test_an_oidc_client_secret_in_platform_yaml_is_refused() -> None:
    providers = "  providers: [{name: corp, type: OIDC, issuer: https://login.example.com, client_id: platform, client_secret: hunter2hunter2}]"
    details = _details(sample_text().replace("  providers: []", providers, 1))
    assert any("client_secret" in line for line in details), details


@pytest.mark.parametrize("url", ["http://app.example.com/callback", "app.example.com/callback"])
def test_a_callback_url_without_tls_or_scheme_is_refused(url: str) -> None:
    details = _details(_with_identity(f"  logout_urls: ['{url}']\n"))
    assert any("identity.logout_urls" in line and "https" in line for line in details), details


@pytest.mark.parametrize("url", ["https://app.example.com/", "http://localhost:3000/callback", "acme://auth/callback"])
def test_https_localhost_and_custom_scheme_callbacks_are_accepted(url: str) -> None:
    platform = parse_platform(_with_identity(f"  mobile_callback_urls: ['{url}']\n"), source="test")
    assert platform.identity.mobile_callback_urls == [url]


@pytest.mark.parametrize(
    ("setting", "path"),
    [
        ("password_policy: {min_length: 11}", "identity.password_policy.min_length"),
        ("password_policy: {temporary_validity_days: 8}", "identity.password_policy.temporary_validity_days"),
        ("access_token_minutes: 2", "identity.access_token_minutes"),
    ],
)
def test_weak_password_and_token_settings_are_refused(setting: str, path: str) -> None:
    details = _details(_with_identity(f"  {setting}\n"))
    assert any(line.startswith(path) for line in details), details


def test_a_password_policy_is_not_mistaken_for_a_secret() -> None:
    platform = parse_platform(_with_identity("  password_policy: {min_length: 16, temporary_validity_days: 1}\n"), source="test")
    assert platform.identity.password_policy.min_length == 16
