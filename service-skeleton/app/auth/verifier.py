"""JWT validation: only the configured asymmetric algorithms, the key type must match the
algorithm, issuer/audience/exp/nbf checked with a small leeway."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import jwt
from jwt import PyJWK

from app.auth.jwks import KeySource

_KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}
_EC_CURVES = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}


class InvalidToken(Exception):
    """The bearer token cannot be trusted; the message is safe to show the client."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the token subject with its roles and scopes."""

    subject: str
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    claims: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def _claim_path(claims: dict[str, Any], path: str) -> Any:
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _as_set(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list | tuple):
        return frozenset(str(v) for v in value)
    return frozenset()


def _key_matches(alg: str, key: PyJWK) -> bool:
    jwk = key._jwk_data  # the raw JWK: PyJWK keeps it
    if jwk.get("alg") and jwk["alg"] != alg:
        return False
    kty = _KEY_TYPES.get(alg[:2])
    if kty is None or jwk.get("kty") != kty:
        return False
    if kty == "EC" and jwk.get("crv") != _EC_CURVES.get(alg):
        return False
    return True


class TokenVerifier:
    """Validates bearer tokens. Verified tokens are remembered (bounded, until at most
    `memo_seconds` or their expiry) so a client's repeated calls skip the signature check."""

    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str | None,
        audience: str | None,
        algorithms: list[str],
        leeway: int = 30,
        roles_claim: str = "roles",
        memo_seconds: float = 60,
        memo_size: int = 10_000,
    ) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.algorithms = list(algorithms)
        self.leeway = leeway
        self.roles_claim = roles_claim
        self.memo_seconds = memo_seconds
        self.memo_size = memo_size
        self._memo: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        required = ["exp", "sub"]
        if issuer:
            required.append("iss")
        if audience:
            required.append("aud")
        self._options: Any = {"require": required, "verify_aud": bool(audience), "verify_iss": bool(issuer)}

    async def verify(self, token: str) -> Principal:
        now = time.time()
        memo = self._memo.get(token)
        if memo is not None and memo[1] > now:
            return memo[0]
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed token") from exc
        alg = header.get("alg")
        if alg not in self.algorithms:
            # Covers `none` and HS*/RS* confusion: only the configured asymmetric algorithms pass.
            raise InvalidToken("the token's algorithm is not accepted")  # never echo the header's text
        key = await self.keys.get(header.get("kid"))
        if key is None:
            raise InvalidToken("unknown signing key")
        if not _key_matches(alg, key):
            raise InvalidToken("key type does not match the token algorithm")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options=self._options,
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("token expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise InvalidToken("token not yet valid") from exc
        except jwt.InvalidAudienceError as exc:
            raise InvalidToken("wrong audience") from exc
        except jwt.InvalidIssuerError as exc:
            raise InvalidToken("wrong issuer") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken("invalid token") from exc
        scopes = _as_set(claims.get("scope")) | _as_set(claims.get("scp"))
        principal = Principal(
            subject=str(claims["sub"]),
            roles=_as_set(_claim_path(claims, self.roles_claim)),
            scopes=scopes,
            claims=claims,
        )
        self._remember(token, principal, min(now + self.memo_seconds, float(claims["exp"]) + self.leeway))
        return principal

    def _remember(self, token: str, principal: Principal, until: float) -> None:
        self._memo[token] = (principal, until)
        if len(self._memo) > self.memo_size:
            self._memo.popitem(last=False)
