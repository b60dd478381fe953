"""The OAuth 2.0 app clients of the user pool: web SPA and mobile (code + PKCE), machine-to-machine, and API scopes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

USER_SCOPES = ["openid", "email", "profile"]


@dataclass
class AppClientsArgs:
    name_prefix: str  # e.g. acme-prod: clients acme-prod-web, -mobile, -machine
    user_pool_id: pulumi.Input[str]
    callback_urls: list[str]
    mobile_callback_urls: list[str]
    resource_server_identifier: str  # e.g. https://api.prod.acme.example.com
    resource_server_scopes: list[str]
    logout_urls: list[str] = field(default_factory=list)
    # Federated providers (names as outputs, so clients wait for the providers to exist).
    identity_providers: Sequence[pulumi.Input[str]] = field(default_factory=list)
    access_token_minutes: int = 60
    refresh_token_days: int = 30


class AppClients(pulumi.ComponentResource):
    """Public clients get no secret and only the authorization code flow; the machine client's secret stays in Cognito."""

    web_client_id: pulumi.Output[str]
    mobile_client_id: pulumi.Output[str]
    machine_client_id: pulumi.Output[str]
    resource_server_identifier: pulumi.Output[str]
    api_scopes: list[str]

    def __init__(self, name: str, args: AppClientsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:identity:AppClients", name, None, opts)
        resource_server = aws.cognito.ResourceServer(
            f"{name}-api",
            user_pool_id=args.user_pool_id,
            identifier=args.resource_server_identifier,
            name=f"{args.name_prefix}-api",
            scopes=[{"scope_name": s, "scope_description": f"{s} access to the platform API"} for s in args.resource_server_scopes],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.api_scopes = [f"{args.resource_server_identifier}/{s}" for s in args.resource_server_scopes]

        def public_client(role: str, callback_urls: list[str]) -> aws.cognito.UserPoolClient:
            # A browser or an app cannot keep a secret: no secret, code flow only; PKCE (S256) then binds the
            # code to the client that asked for it. No implicit flow, no password flows: only the hosted UI.
            return aws.cognito.UserPoolClient(
                f"{name}-{role}",
                name=f"{args.name_prefix}-{role}",
                user_pool_id=args.user_pool_id,
                generate_secret=False,
                allowed_oauth_flows_user_pool_client=True,
                allowed_oauth_flows=["code"],
                allowed_oauth_scopes=USER_SCOPES,
                callback_urls=callback_urls,
                logout_urls=args.logout_urls,
                supported_identity_providers=["COGNITO", *args.identity_providers],
                explicit_auth_flows=["ALLOW_REFRESH_TOKEN_AUTH"],
                access_token_validity=args.access_token_minutes,
                id_token_validity=args.access_token_minutes,
                refresh_token_validity=args.refresh_token_days,
                token_validity_units={"access_token": "minutes", "id_token": "minutes", "refresh_token": "days"},
                auth_session_validity=3,  # minutes a sign-in session may take
                # Hardening, as on every client: no hint whether a user exists, and revocable tokens.
                prevent_user_existence_errors="ENABLED",
                enable_token_revocation=True,
                opts=pulumi.ResourceOptions(parent=self),
            )

        web = public_client("web", args.callback_urls)
        mobile = public_client("mobile", args.mobile_callback_urls)
        machine = aws.cognito.UserPoolClient(
            f"{name}-machine",
            name=f"{args.name_prefix}-machine",
            user_pool_id=args.user_pool_id,
            # Cognito generates and keeps the secret; it is read from Cognito by whoever runs the job, never
            # exported from this stack, so it is in no plan and no stack output.
            generate_secret=True,
            allowed_oauth_flows_user_pool_client=True,
            allowed_oauth_flows=["client_credentials"],
            allowed_oauth_scopes=self.api_scopes,
            supported_identity_providers=["COGNITO"],
            access_token_validity=args.access_token_minutes,
            token_validity_units={"access_token": "minutes"},
            prevent_user_existence_errors="ENABLED",
            enable_token_revocation=True,
            # The scopes must exist before a client may be granted them.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[resource_server]),
        )
        self.web_client_id = web.id
        self.mobile_client_id = mobile.id
        self.machine_client_id = machine.id
        self.resource_server_identifier = resource_server.identifier
        self.register_outputs(
            {
                "webClientId": self.web_client_id,
                "mobileClientId": self.mobile_client_id,
                "machineClientId": self.machine_client_id,
                "resourceServerIdentifier": self.resource_server_identifier,
                "apiScopes": self.api_scopes,
            }
        )
