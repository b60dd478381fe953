"""The local dev issuer: `python -m app.devtoken` mints tokens the local service accepts, and only locally."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import jwt

from app.auth.dev_issuer import mint_dev_token
from app.core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _devtoken(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.devtoken", *args], capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env}
    )


async def test_cli_token_is_accepted_by_the_local_service(tmp_path, client_factory):
    key_path = tmp_path / "issuer" / "key.pem"
    result = _devtoken({"ENVIRONMENT": "local", "DEV_ISSUER_KEY_PATH": str(key_path)}, "--roles", "admin,editor", "--sub", "dana")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == "dana" and claims["roles"] == ["admin", "editor"]
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_path.parent.stat().st_mode) == 0o700

    async with client_factory(
        environment="local", jwks_url=None, jwt_issuer=None, jwt_audience=None, dev_issuer_key_path=str(key_path)
    ) as client:
        response = await client.post("/items", json={"name": "x", "price": 1}, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 201, response.text
        assert response.json()["owner"] == "dana"


def test_cli_refuses_outside_local(tmp_path):
    result = _devtoken({"ENVIRONMENT": "prod", "DEV_ISSUER_KEY_PATH": str(tmp_path / "k.pem")})
    assert result.returncode == 2
    assert "only with ENVIRONMENT=local" in result.stderr
    assert not (tmp_path / "k.pem").exists()


def test_dev_tokens_are_not_accepted_when_a_real_issuer_is_configured(tmp_path):
    settings = Settings(environment="local", jwks_url="https://issuer.example/jwks", dev_issuer_key_path=str(tmp_path / "k.pem"))
    try:
        mint_dev_token(settings)
    except RuntimeError as exc:
        assert "dev issuer" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("minted a dev token although JWKS_URL is set")


def test_default_key_path_is_outside_the_repository():
    path = Settings().dev_key_path()
    assert ROOT not in path.parents
