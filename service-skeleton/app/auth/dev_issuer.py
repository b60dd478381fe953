"""The local dev issuer: an RSA key generated at runtime into a private temp path (never in the
repo), so `python -m app.devtoken` can mint tokens that the local service accepts."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt import PyJWK
from jwt.algorithms import RSAAlgorithm

from app.core.settings import Settings

DEV_KID = "local-dev"


def dev_issuer(settings: Settings) -> str:
    return f"urn:local-dev-issuer:{settings.service_name}"


def dev_audience(settings: Settings) -> str:
    return settings.jwt_audience or settings.service_name


def load_or_create_key(path: Path) -> rsa.RSAPrivateKey:
    """Load the dev signing key, creating it (0600, in a 0700 directory) on first use."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    tmp = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.replace(tmp, path)  # atomic: a concurrent starter sees the whole key or none
    return load_or_create_key(path)


def dev_public_jwk(key: rsa.RSAPrivateKey) -> PyJWK:
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwk.update({"kid": DEV_KID, "alg": "RS256", "use": "sig"})
    return PyJWK(jwk)


def mint_dev_token(
    settings: Settings,
    *,
    subject: str = "dev-user",
    roles: list[str] | None = None,
    scopes: list[str] | None = None,
    ttl_seconds: int = 3600,
) -> str:
    """A token from the local dev issuer. Refused outside ENVIRONMENT=local."""
    if not settings.uses_dev_issuer:
        raise RuntimeError("the dev issuer exists only with ENVIRONMENT=local and no JWKS_URL")
    key = load_or_create_key(settings.dev_key_path())
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": dev_issuer(settings),
        "aud": dev_audience(settings),
        "sub": subject,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_seconds,
        "jti": uuid.uuid4().hex,
        settings.jwt_roles_claim: roles or [],
    }
    if scopes:
        claims["scope"] = " ".join(scopes)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": DEV_KID})
