"""Authentication and authorization dependencies: `require_user`, `require_roles`, `require_scopes`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request

from app.api.problems import Problem
from app.api.services import services
from app.auth.jwks import JWKSClient, KeySource, StaticKeys
from app.auth.verifier import InvalidToken, Principal, TokenVerifier
from app.core.log import request_context
from app.core.settings import ConfigurationError, Settings

__all__ = [
    "InvalidToken",
    "Principal",
    "TokenVerifier",
    "build_verifier",
    "optional_user",
    "require_roles",
    "require_scopes",
    "require_user",
    "unauthorized",
]


def build_verifier(settings: Settings) -> TokenVerifier:
    """The verifier for this environment: the issuer's JWKS, or the dev issuer locally."""
    keys: KeySource
    if settings.jwks_url:
        keys = JWKSClient(
            settings.jwks_url,
            cache_seconds=settings.jwks_cache_seconds,
            min_refresh_seconds=settings.jwks_min_refresh_seconds,
        )
        issuer, audience, algorithms = settings.jwt_issuer, settings.jwt_audience, settings.jwt_algorithms
    elif settings.uses_dev_issuer:
        from app.auth.dev_issuer import (
            DEV_KID,
            dev_audience,
            dev_issuer,
            dev_public_jwk,
            load_or_create_key,
        )

        keys = StaticKeys({DEV_KID: dev_public_jwk(load_or_create_key(settings.dev_key_path()))})
        issuer, audience, algorithms = dev_issuer(settings), dev_audience(settings), ["RS256"]
    else:
        raise ConfigurationError("JWKS_URL must be set: the dev issuer exists only with ENVIRONMENT=local")
    return TokenVerifier(
        keys,
        issuer=issuer,
        audience=audience,
        algorithms=algorithms,
        leeway=settings.jwt_leeway_seconds,
        roles_claim=settings.jwt_roles_claim,
    )


# The challenge is built from constants only: a token's header is attacker-controlled, and text
# copied from it into WWW-Authenticate could inject parameters or fail latin-1 encoding (a 500).
_CHALLENGES = {
    None: 'Bearer realm="api"',
    "invalid_request": 'Bearer realm="api", error="invalid_request", error_description="The Authorization header is malformed."',
    "invalid_token": 'Bearer realm="api", error="invalid_token", error_description="The access token is invalid or expired."',
}


def unauthorized(detail: str, error: str | None = None) -> Problem:
    """A 401 problem; `detail` goes to the body only, the header is one of the fixed challenges."""
    return Problem(401, detail=detail, headers={"WWW-Authenticate": _CHALLENGES.get(error, _CHALLENGES[None])})


async def _principal(request: Request, *, required: bool) -> Principal | None:
    cached = request.scope.get("app.principal")
    if cached is not None:
        return cached
    header = request.headers.get("authorization")
    if not header:
        if required:
            raise unauthorized("Missing bearer token.")
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("Authorization must be a Bearer token.", "invalid_request")
    try:
        principal = await services(request.app).auth.verify(token.strip())
    except InvalidToken as exc:
        raise unauthorized(str(exc), "invalid_token") from None
    request.scope["app.principal"] = principal
    ctx = request_context.get()
    if ctx is not None:
        ctx.user = principal.subject
    return principal


async def require_user(request: Request) -> Principal:
    """Dependency: the authenticated caller, or 401 with `WWW-Authenticate: Bearer`."""
    principal = await _principal(request, required=True)
    assert principal is not None
    return principal


async def optional_user(request: Request) -> Principal | None:
    """Dependency: the caller when a token is sent (an invalid token is still a 401), else None."""
    return await _principal(request, required=False)


def require_roles(*roles: str, all_of: bool = False) -> Callable[[Request], Awaitable[Principal]]:
    """Dependency factory: 401 without a valid token, 403 unless the caller has any (or all) of `roles`."""
    wanted = frozenset(roles)

    async def dependency(request: Request) -> Principal:
        principal = await require_user(request)
        ok = wanted <= principal.roles if all_of else bool(wanted & principal.roles)
        if not ok:
            raise Problem(
                403, detail=f"Requires role: {' or '.join(sorted(wanted)) if not all_of else ', '.join(sorted(wanted))}."
            )
        return principal

    return dependency


def require_scopes(*scopes: str) -> Callable[[Request], Awaitable[Principal]]:
    """Dependency factory: 403 with `insufficient_scope` unless the token carries every scope."""
    wanted = frozenset(scopes)

    async def dependency(request: Request) -> Principal:
        principal = await require_user(request)
        if not wanted <= principal.scopes:
            missing = " ".join(sorted(wanted - principal.scopes))
            raise Problem(
                403,
                detail=f"Missing scope: {missing}.",
                headers={
                    "WWW-Authenticate": f'Bearer realm="api", error="insufficient_scope", scope="{" ".join(sorted(wanted))}"'
                },
            )
        return principal

    return dependency
