"""The identity layer's plan: an MFA-enforcing Cognito user pool, OAuth 2.0 clients, SSO providers, the JWT issuer."""

from __future__ import annotations

import json
from functools import cache

import pytest

from platformctl.config.loader import LoadedPlatform
from platformctl.config.platform_file import IdentityProvider
from platformctl.config.stack_config import common_config, layer_config
from platformctl.core.planning import build_plan
from platformctl.engines.embedded.runner import EmbeddedEngine
from platformctl.plan.model import LayerPlan, PlanResource
from tests.stacks.conftest import assert_platform_tags, fake_upstream, of_type, one_of_type, sample_platform

ENVS = ["dev", "prod"]
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
PROVIDER = "aws:cognito/identityProvider:IdentityProvider"
REGION = "eu-west-1"


def _with_providers() -> LoadedPlatform:
    loaded = sample_platform()
    identity = loaded.platform.identity.model_copy(
        update={
            "providers": [
                IdentityProvider(name="okta", type="SAML", metadata_url="https://acme.okta.example.com/app/sso/saml/metadata"),
                IdentityProvider(name="corp", type="OIDC", issuer="https://login.corp.example.com", client_id="platform-client"),
            ]
        }
    )
    return LoadedPlatform(loaded.platform.model_copy(update={"identity": identity}), "test: sample with SAML and OIDC SSO", False)


@cache
def _sso_plan(env: str) -> LayerPlan:
    loaded = _with_providers()
    return build_plan(engine=EmbeddedEngine(), loaded=loaded, env=env, layers=["identity"], upstream=fake_upstream("identity", loaded)).layer("identity")


@pytest.fixture(params=["sample", "sso"])
def plans(request, layer_plan):
    """The identity plan of the sample as it is, and of the sample with one SAML and one OIDC provider."""
    return (lambda env: layer_plan("identity", env)) if request.param == "sample" else _sso_plan


def _clients(plan: LayerPlan) -> dict[str, PlanResource]:
    return {r.name.removeprefix("clients-"): r for r in of_type(plan, CLIENT)}


def _pool(plan: LayerPlan) -> PlanResource:
    return one_of_type(plan, "aws:cognito/userPool:UserPool")


def _ref(resource: PlanResource, attr: str = "id") -> str:
    return f"(known after apply: {resource.name}.{attr})"


@pytest.mark.parametrize("env", ENVS)
def test_user_pool_requires_mfa_with_totp_and_no_sms_unless_configured(plans, env: str) -> None:
    pool = _pool(plans(env))
    assert pool.inputs.get("mfaConfiguration") == "ON", f"{pool.name}: MFA must be required for every user (mfaConfiguration=ON)"
    assert pool.inputs.get("softwareTokenMfaConfiguration") == {"enabled": True}, f"{pool.name}: TOTP (software token) MFA must be on"
    assert "smsConfiguration" not in pool.inputs, f"{pool.name}: SMS MFA stays off unless identity.sms_mfa is set"


@pytest.mark.parametrize("env", ENVS)
def test_sms_mfa_when_configured_sends_through_a_role_guarded_by_an_external_id(env: str) -> None:
    loaded = sample_platform()
    identity = loaded.platform.identity.model_copy(update={"sms_mfa": True})
    custom = LoadedPlatform(loaded.platform.model_copy(update={"identity": identity}), "test: SMS MFA", False)
    plan = build_plan(engine=EmbeddedEngine(), loaded=custom, env=env, layers=["identity"], upstream=fake_upstream("identity", custom)).layer("identity")
    pool, role = _pool(plan), one_of_type(plan, "aws:iam/role:Role")
    sms = pool.inputs.get("smsConfiguration") or {}
    assert sms.get("snsCallerArn") == _ref(role, "arn"), f"{pool.name}: SMS MFA must send through {role.name}"
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "cognito-idp.amazonaws.com"}, f"{role.name}: only Cognito may assume the SMS role"
    assert trust["Condition"]["StringEquals"]["sts:ExternalId"] == sms.get("externalId"), f"{role.name}: trust needs the pool's external id"
    assert pool.inputs.get("mfaConfiguration") == "ON", f"{pool.name}: MFA stays required with SMS"


@pytest.mark.parametrize("env", ENVS)
def test_password_policy_is_strong(plans, env: str) -> None:
    pool = _pool(plans(env))
    policy = pool.inputs.get("passwordPolicy", {})
    assert policy.get("minimumLength", 0) >= 12, f"{pool.name}: passwords need at least 12 characters"
    for rule in ("requireUppercase", "requireLowercase", "requireNumbers", "requireSymbols"):
        assert policy.get(rule) is True, f"{pool.name}: password policy must set {rule}"
    assert 1 <= policy.get("temporaryPasswordValidityDays", 99) <= 7, f"{pool.name}: temporary passwords expire within 7 days"


@pytest.mark.parametrize("env", ENVS)
def test_threat_protection_is_enforced_on_the_plus_tier(plans, env: str) -> None:
    pool = _pool(plans(env))
    assert pool.inputs.get("userPoolAddOns") == {"advancedSecurityMode": "ENFORCED"}, f"{pool.name}: advanced security must be ENFORCED"
    assert pool.inputs.get("userPoolTier") == "PLUS", f"{pool.name}: threat protection needs the PLUS feature plan (userPoolTier)"


@pytest.mark.parametrize("env", ENVS)
def test_email_is_verified_and_recovers_accounts_and_prod_pool_cannot_be_deleted(plans, env: str) -> None:
    pool = _pool(plans(env))
    assert pool.inputs.get("autoVerifiedAttributes") == ["email"], f"{pool.name}: email must be verified (autoVerifiedAttributes)"
    mechanisms = pool.inputs.get("accountRecoverySetting", {}).get("recoveryMechanisms", [])
    assert mechanisms == [{"name": "verified_email", "priority": 1}], f"{pool.name}: accounts recover through the verified email only"
    production = env == "prod"
    assert pool.inputs.get("deletionProtection") == ("ACTIVE" if production else "INACTIVE"), (
        f"{pool.name}: deletion protection must be ACTIVE in production (and only there)"
    )
    assert pool.protect is production, f"{pool.name}: the production user pool must be protected from `pulumi destroy`"
    assert pool.inputs.get("tags", {}).get("environment") == env, f"{pool.name}: tagged with the environment"


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("role", ["web", "mobile"])
def test_public_clients_use_authorization_code_with_pkce_and_no_secret(plans, env: str, role: str) -> None:
    plan = plans(env)
    client = _clients(plan)[role]
    identity = sample_platform().platform.identity
    assert client.inputs.get("generateSecret") is False, f"{client.name}: a public client must not have a secret (PKCE instead)"
    assert client.inputs.get("allowedOauthFlows") == ["code"], f"{client.name}: only the authorization code flow (no implicit)"
    assert client.inputs.get("allowedOauthFlowsUserPoolClient") is True, f"{client.name}: OAuth must be enabled on the client"
    assert sorted(client.inputs.get("allowedOauthScopes", [])) == ["email", "openid", "profile"], f"{client.name}: scopes openid/email/profile"
    expected_callbacks = identity.callback_urls if role == "web" else ["acme://auth/callback"]
    assert client.inputs.get("callbackUrls") == expected_callbacks, f"{client.name}: callback URLs from platform.yaml"
    assert client.inputs.get("preventUserExistenceErrors") == "ENABLED", f"{client.name}: must not reveal whether a user exists"
    assert client.inputs.get("enableTokenRevocation") is True, f"{client.name}: refresh tokens must be revocable"
    assert not any("PASSWORD" in f for f in client.inputs.get("explicitAuthFlows", [])), f"{client.name}: no password auth flows"
    assert client.inputs.get("tokenValidityUnits") == {"accessToken": "minutes", "idToken": "minutes", "refreshToken": "days"}
    assert 5 <= client.inputs["accessTokenValidity"] <= 60 and 5 <= client.inputs["idTokenValidity"] <= 60, (
        f"{client.name}: access and ID tokens live 5-60 minutes"
    )
    assert 1 <= client.inputs["refreshTokenValidity"] <= 30, f"{client.name}: refresh tokens live at most 30 days"


@pytest.mark.parametrize("env", ENVS)
def test_mobile_client_has_its_own_callback_scheme(plans, env: str) -> None:
    clients = _clients(plans(env))
    web, mobile = clients["web"].inputs["callbackUrls"], clients["mobile"].inputs["callbackUrls"]
    assert not set(web) & set(mobile), "clients-mobile: the mobile app needs its own callbacks, not the SPA's"
    assert all(not url.startswith(("http://", "https://")) for url in mobile), "clients-mobile: callbacks use the app's custom scheme"


@pytest.mark.parametrize("env", ENVS)
def test_machine_client_uses_client_credentials_with_resource_server_scopes(plans, env: str) -> None:
    plan = plans(env)
    machine = _clients(plan)["machine"]
    server = one_of_type(plan, "aws:cognito/resourceServer:ResourceServer")
    scopes = sample_platform().platform.identity.resource_server_scopes
    assert sorted(s["scopeName"] for s in server.inputs["scopes"]) == sorted(scopes), f"{server.name}: scopes from platform.yaml"
    assert server.inputs["identifier"] == f"https://api.{env}.acme.example.com", f"{server.name}: identifier is the environment's API"
    assert machine.inputs.get("generateSecret") is True, f"{machine.name}: a confidential client needs a secret"
    assert machine.inputs.get("allowedOauthFlows") == ["client_credentials"], f"{machine.name}: client credentials flow only"
    assert machine.inputs.get("allowedOauthScopes") == [f"{server.inputs['identifier']}/{s}" for s in scopes], (
        f"{machine.name}: granted exactly the resource server's scopes"
    )
    assert server.urn in machine.dependencies, f"{machine.name}: must wait for {server.name} (its scopes must exist first)"


@pytest.mark.parametrize("env", ENVS)
def test_machine_client_secret_never_appears_in_the_plan(plans, env: str) -> None:
    plan = plans(env)
    machine = _clients(plan)["machine"]
    assert "clientSecret" not in machine.inputs, f"{machine.name}: the client secret must stay in Cognito"
    document = plan.model_dump_json()
    assert f"{machine.name}.clientSecret" not in document, f"{machine.name}: its secret must not flow into any resource or output"
    assert "clientSecret" not in document, "identity: no client secret of any client may appear in the plan"
    assert not any("secret" in name.lower() for name in plan.outputs), "identity: no secret is exported as a stack output"


@pytest.mark.parametrize("env", ENVS)
def test_hosted_domain_is_the_environment_prefix_domain(plans, env: str) -> None:
    plan = plans(env)
    domain = one_of_type(plan, "aws:cognito/userPoolDomain:UserPoolDomain")
    assert domain.inputs["domain"] == f"acme-{env}-auth", f"{domain.name}: prefix domain must be <organisation>-<env>-auth"
    assert domain.inputs["userPoolId"] == _ref(_pool(plan)), f"{domain.name}: belongs to the platform's user pool"
    assert plan.outputs["hostedDomain"] == f"acme-{env}-auth.auth.{REGION}.amazoncognito.com"


@pytest.mark.parametrize("env", ENVS)
def test_outputs_give_kong_and_services_the_issuer_jwks_and_audiences(plans, env: str) -> None:
    plan = plans(env)
    pool, clients = _pool(plan), _clients(plan)
    issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{_ref(pool)}"
    assert plan.outputs["issuerUrl"] == issuer, "issuerUrl must be https://cognito-idp.<region>.amazonaws.com/<pool id>"
    assert plan.outputs["jwksUrl"] == f"{issuer}/.well-known/jwks.json", "jwksUrl must be the issuer's /.well-known/jwks.json"
    ids = {role: _ref(client) for role, client in clients.items()}
    assert plan.outputs["audiences"] == [ids["web"], ids["mobile"], ids["machine"]], "audiences are the three client ids"
    for role in ("web", "mobile", "machine"):
        assert plan.outputs[f"{role}ClientId"] == ids[role], f"{role}ClientId must be {clients[role].name}'s id"
    assert plan.outputs["userPoolId"] == _ref(pool) and plan.outputs["userPoolArn"] == _ref(pool, "arn")


@pytest.mark.parametrize("env", ENVS)
def test_sso_providers_are_created_and_listed_by_the_user_clients(env: str) -> None:
    plan = _sso_plan(env)
    providers = {r.inputs["providerName"]: r for r in of_type(plan, PROVIDER)}
    assert set(providers) == {"okta", "corp"}, f"identity: expected the okta (SAML) and corp (OIDC) providers, got {sorted(providers)}"
    saml, oidc = providers["okta"], providers["corp"]
    assert saml.inputs["providerType"] == "SAML", f"{saml.name}: SAML provider"
    assert saml.inputs["providerDetails"]["MetadataURL"] == "https://acme.okta.example.com/app/sso/saml/metadata", f"{saml.name}: metadata URL"
    assert saml.inputs["attributeMapping"].get("email"), f"{saml.name}: must map the email attribute"
    assert oidc.inputs["providerType"] == "OIDC", f"{oidc.name}: OIDC provider"
    assert oidc.inputs["providerDetails"] == "[secret]", f"{oidc.name}: details carry the client secret, so the plan must show them redacted"
    assert oidc.inputs["attributeMapping"] == {"email": "email", "username": "sub"}, f"{oidc.name}: default OIDC mapping"
    pool = _pool(plan)
    for provider in providers.values():
        assert provider.inputs["userPoolId"] == _ref(pool), f"{provider.name}: federates into the platform user pool"
    clients = _clients(plan)
    for role in ("web", "mobile"):
        assert clients[role].inputs["supportedIdentityProviders"] == ["COGNITO", "okta", "corp"], f"{clients[role].name}: lists the SSO providers"
        for provider in providers.values():
            assert provider.urn in clients[role].dependencies, f"{clients[role].name}: must be created after {provider.name}"
    assert clients["machine"].inputs["supportedIdentityProviders"] == ["COGNITO"], "clients-machine: no federation for machines"


@pytest.mark.parametrize("env", ENVS)
def test_oidc_client_secret_comes_from_secrets_manager_not_platform_yaml(env: str) -> None:
    loaded = _with_providers()
    providers = {p["name"]: p for p in layer_config(loaded.platform, env, "identity")["providers"]}
    assert providers["corp"]["clientSecretName"] == f"acme/{env}/identity/corp/client-secret", "corp: secret name by convention"
    assert "clientSecret" not in providers["corp"], "corp: the client secret value must never be in the stack config"
    assert "clientSecretName" not in providers["okta"], "okta: SAML needs no client secret"


@pytest.mark.parametrize("env", ENVS)
def test_sample_without_providers_offers_only_cognito_sign_in(layer_plan, env: str) -> None:
    plan = layer_plan("identity", env)
    assert not plan.by_type(PROVIDER), "identity: the sample configures no SSO provider"
    for role in ("web", "mobile"):
        client = _clients(plan)[role]
        assert client.inputs["supportedIdentityProviders"] == ["COGNITO"], f"{client.name}: only Cognito sign-in without providers"


@pytest.mark.parametrize("env", ENVS)
def test_every_child_is_parented_to_an_identity_component(plans, env: str) -> None:
    plan = plans(env)
    components = {r.urn for r in plan.resources if r.type.startswith("platform:identity:")}
    for r in plan.resources:
        if r.custom and not r.type.startswith("pulumi:"):
            assert r.parent in components, f"{r.name}: must be created inside a platform:identity component (parent=self)"


# Cognito takes tags on the user pool only: its clients, resource server and hosted domain have none.
NOT_TAGGABLE = {
    "aws:cognito/resourceServer:ResourceServer", "aws:cognito/userPoolClient:UserPoolClient", "aws:cognito/userPoolDomain:UserPoolDomain",
}


@pytest.mark.parametrize("env", ENVS)
def test_every_taggable_resource_carries_the_platform_tags(layer_plan, env: str) -> None:
    tags = common_config(sample_platform().platform, env)["tags"]
    assert_platform_tags(layer_plan("identity", env), tags, NOT_TAGGABLE, at_least=1)
