"""JWT validation against the issuer's JWKS, and the 401/403 contract of the auth dependencies."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from service_testing import AUDIENCE, ISSUER, SigningKey


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


async def _get(client, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.get("/items", headers=headers)


def _assert_401(response, fragment: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert fragment in response.json()["detail"]


async def test_valid_rs256_and_es256_tokens_are_accepted(client, token_factory):
    for key in ("rsa", "ec"):
        response = await _get(client, token_factory(key=key))
        assert response.status_code == 200, response.text


async def test_missing_token_is_401_with_bearer_challenge(client):
    response = await _get(client, None)
    _assert_401(response, "Missing bearer token")
    assert response.headers["www-authenticate"] == 'Bearer realm="api"'


async def test_non_bearer_scheme_is_401(client):
    response = await client.get("/items", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    _assert_401(response, "Bearer")


async def test_malformed_token_is_401(client):
    _assert_401(await _get(client, "not.a.jwt"), "malformed")


async def test_expired_token_is_401(client, token_factory):
    response = await _get(client, token_factory(exp_in=-120))  # beyond the 30 s leeway
    _assert_401(response, "expired")
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


async def test_expiry_within_leeway_is_accepted(client, token_factory):
    assert (await _get(client, token_factory(exp_in=-5))).status_code == 200


async def test_wrong_audience_is_401(client, token_factory):
    _assert_401(await _get(client, token_factory(aud="another-api")), "audience")


async def test_wrong_issuer_is_401(client, token_factory):
    _assert_401(await _get(client, token_factory(iss="https://evil.test")), "issuer")


async def test_not_before_in_the_future_is_401(client, token_factory):
    _assert_401(await _get(client, token_factory(nbf_in=600)), "not yet valid")


async def test_missing_exp_is_401(client, signing_keys):
    key = signing_keys["rsa"]
    token = jwt.encode({"sub": "a", "iss": ISSUER, "aud": AUDIENCE}, key.private, algorithm="RS256", headers={"kid": key.kid})
    _assert_401(await _get(client, token), "invalid token")


async def test_alg_none_is_refused(client, signing_keys):
    now = int(time.time())
    header = {"alg": "none", "typ": "JWT", "kid": signing_keys["rsa"].kid}
    claims = {"sub": "mallory", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 300, "roles": ["admin"]}
    token = f"{_b64(header)}.{_b64(claims)}."
    _assert_401(await _get(client, token), "not accepted")


@pytest.mark.parametrize("alg", ["\u2603", 'RS256", error="injected', "RS256\r\nX-Injected: 1", ["RS256"], 7])
async def test_forged_alg_is_401_with_a_fixed_challenge(client, signing_keys, alg):
    """The token header is attacker text: a snowman once made a 500 (latin-1), a quote injected
    challenge parameters. The challenge must be a constant whatever `alg` says."""
    now = int(time.time())
    header = {"alg": alg, "typ": "JWT", "kid": signing_keys["rsa"].kid}
    claims = {"sub": "mallory", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 300}
    response = await _get(client, f"{_b64(header)}.{_b64(claims)}.c2ln")
    _assert_401(response, "not accepted")
    assert response.headers["www-authenticate"] == (
        'Bearer realm="api", error="invalid_token", error_description="The access token is invalid or expired."'
    )
    assert "injected" not in response.text.lower() and "\u2603" not in response.text


async def test_hs256_signed_with_the_public_key_is_refused(client, signing_keys):
    """The classic RS/HS confusion: the attacker HMACs with the (public) RSA key as the secret."""
    import hashlib
    import hmac

    public_pem = (
        signing_keys["rsa"]
        .private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    now = int(time.time())
    header = {"alg": "HS256", "typ": "JWT", "kid": signing_keys["rsa"].kid}
    claims = {"sub": "mallory", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 300, "roles": ["admin"]}
    signing_input = f"{_b64(header)}.{_b64(claims)}"
    signature = (
        base64.urlsafe_b64encode(hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()).decode().rstrip("=")
    )
    _assert_401(await _get(client, f"{signing_input}.{signature}"), "not accepted")


async def test_key_type_must_match_the_algorithm(client, signing_keys):
    """An ES256 header pointing at the RSA key's kid is refused before any verification."""
    rsa_key = signing_keys["rsa"]
    impostor = SigningKey(rsa_key.kid, "ES256", signing_keys["ec"].private)
    now = int(time.time())
    token = jwt.encode(
        {"sub": "m", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 300},
        impostor.private,
        algorithm="ES256",
        headers={"kid": rsa_key.kid},
    )
    _assert_401(await _get(client, token), "key type")


async def test_token_signed_by_an_unknown_key_with_a_known_kid_is_refused(client, signing_keys):
    other = SigningKey(signing_keys["rsa"].kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    now = int(time.time())
    token = jwt.encode(
        {"sub": "m", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 300},
        other.private,
        algorithm="RS256",
        headers={"kid": other.kid},
    )
    _assert_401(await _get(client, token), "invalid token")


async def test_unknown_kid_triggers_one_jwks_refresh(client_factory, token_factory, jwks_server):
    rotated = SigningKey("rotated-2", "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    async with client_factory(jwks_min_refresh_seconds=0) as client:
        assert (await _get(client, token_factory())).status_code == 200
        assert jwks_server.fetches == 1
        jwks_server.keys.append(rotated.jwk())  # the issuer rotates in a new key
        assert (await _get(client, token_factory(key=rotated))).status_code == 200
        assert jwks_server.fetches == 2
        # Cached by kid from now on: no more fetches.
        assert (await _get(client, token_factory(key=rotated, sub="bob"))).status_code == 200
        assert jwks_server.fetches == 2


async def test_unknown_kid_refresh_respects_the_minimum_interval(client_factory, token_factory, jwks_server):
    forged = SigningKey("forged", "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    async with client_factory(jwks_min_refresh_seconds=60) as client:
        assert (await _get(client, token_factory())).status_code == 200
        for i in range(5):  # a flood of unknown kids must not turn into a flood of JWKS fetches
            _assert_401(await _get(client, token_factory(key=forged, sub=f"m{i}")), "unknown signing key")
        assert jwks_server.fetches == 1


async def test_missing_role_is_403_and_role_grants_access(client, auth_header):
    body = {"name": "lamp", "price": "10.00"}
    denied = await client.post("/items", json=body, headers=auth_header(roles=["viewer"]))
    assert denied.status_code == 403
    assert denied.headers["content-type"] == "application/problem+json"
    assert "editor" in denied.json()["detail"]
    allowed = await client.post("/items", json=body, headers=auth_header(roles=["editor"]))
    assert allowed.status_code == 201


async def test_roles_claim_path_is_configurable(client_factory, auth_header):
    async with client_factory(jwt_roles_claim="realm_access.roles") as client:
        headers = auth_header(claims={"realm_access": {"roles": ["admin"]}})
        assert (await client.post("/items", json={"name": "x", "price": "1"}, headers=headers)).status_code == 201


async def test_require_scopes_is_403_with_insufficient_scope(app_factory, token_factory):
    from fastapi import Depends

    from app.auth import require_scopes
    from service_testing import running

    app = app_factory()

    @app.get("/scoped", dependencies=[Depends(require_scopes("items:write"))])
    async def scoped() -> dict:
        return {"ok": True}

    async with running(app) as client:
        denied = await client.get("/scoped", headers={"Authorization": f"Bearer {token_factory(scopes=['items:read'])}"})
        assert denied.status_code == 403
        assert 'error="insufficient_scope"' in denied.headers["www-authenticate"]
        ok = await client.get("/scoped", headers={"Authorization": f"Bearer {token_factory(scopes=['items:write'])}"})
        assert ok.status_code == 200


def test_hs_algorithms_cannot_be_configured(settings_factory):
    with pytest.raises(ValueError, match="asymmetric"):
        settings_factory(jwt_algorithms=["RS256", "HS256"])
