"""Opaque pagination cursors, HMAC-signed with SECRET_KEY so clients cannot forge or edit them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from app.api.problems import Problem


def _sign(payload: bytes, secret: bytes) -> bytes:
    return hmac.new(secret, payload, hashlib.sha256).digest()[:16]


def encode_cursor(after_id: int, secret: bytes) -> str:
    payload = json.dumps({"after": after_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload + _sign(payload, secret)).decode().rstrip("=")


def decode_cursor(cursor: str, secret: bytes) -> int:
    """Raises a 400 Problem for anything that is not a cursor this service issued."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload, signature = raw[:-16], raw[-16:]
        if len(raw) <= 16 or not hmac.compare_digest(signature, _sign(payload, secret)):
            raise ValueError("bad signature")
        after = json.loads(payload)["after"]
        if not isinstance(after, int):
            raise ValueError("bad payload")
        return after
    except (ValueError, KeyError, TypeError) as exc:
        raise Problem(400, "Invalid cursor", "The cursor is malformed or was not issued by this service.") from exc
