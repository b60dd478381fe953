"""Configuration: secrets from files, refusal of default secrets outside local, value parsing."""

from __future__ import annotations

import pytest

from app.core.limits import Limit, parse_limit
from app.core.settings import ConfigurationError, Settings, check_production_ready
from app.main import create_app

PROD = {
    "environment": "prod",
    "database_url": "postgresql+asyncpg://app@db:5432/app",
    "jwks_url": "https://issuer.example/.well-known/jwks.json",
    "jwt_issuer": "https://issuer.example",
    "jwt_audience": "api",
}


def test_default_secret_is_refused_outside_local():
    with pytest.raises(ConfigurationError) as excinfo:
        create_app(Settings(**PROD))
    message = str(excinfo.value)
    assert "ENVIRONMENT=prod" in message
    assert "SECRET_KEY is left at its insecure default" in message
    assert "SECRET_KEY_FILE" in message


def test_every_missing_production_setting_is_named():
    with pytest.raises(ConfigurationError) as excinfo:
        check_production_ready(Settings(environment="staging"))
    message = str(excinfo.value)
    for fragment in ("SECRET_KEY", "JWKS_URL", "JWT_ISSUER", "SQLite"):
        assert fragment in message


def test_production_settings_pass_with_a_real_secret():
    check_production_ready(Settings(**PROD, secret_key="a-long-random-value"))


def test_local_accepts_defaults():
    check_production_ready(Settings())


def test_secret_from_file_env_var(tmp_path, monkeypatch):
    secret = tmp_path / "secret_key"
    secret.write_text("from-a-mounted-file\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    monkeypatch.setenv("DATABASE_URL_FILE", str(tmp_path / "db"))
    (tmp_path / "db").write_text("postgresql+asyncpg://app:pw@db/app")
    settings = Settings()
    assert settings.secret_key.get_secret_value() == "from-a-mounted-file"
    assert settings.database_url == "postgresql+asyncpg://app:pw@db/app"
    check_production_ready(settings.model_copy(update={k: v for k, v in PROD.items() if k != "database_url"}))


def test_unreadable_secret_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="SECRET_KEY_FILE"):
        Settings()


def test_secrets_dir(tmp_path, monkeypatch):
    (tmp_path / "secret_key").write_text("from-secrets-dir")
    monkeypatch.setenv("SECRETS_DIR", str(tmp_path))
    assert Settings().secret_key.get_secret_value() == "from-secrets-dir"
    monkeypatch.setenv("SECRET_KEY", "env-wins")
    assert Settings().secret_key.get_secret_value() == "env-wins"


def test_secret_is_not_shown_in_repr():
    assert "hunter2" not in repr(Settings(secret_key="hunter2"))


def test_lists_from_comma_separated_env(monkeypatch):
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("JWT_ALGORITHMS", "ES256")
    monkeypatch.setenv("FEATURES", "jobs,search")
    monkeypatch.setenv("RATE_LIMITS", '{"default": "10/second", "items.get": "1000/minute"}')
    settings = Settings()
    assert settings.cors_allow_origins == ["https://a.example", "https://b.example"]
    assert settings.jwt_algorithms == ["ES256"]
    assert settings.features == ["jobs", "search"]
    assert settings.rate_limits["items.get"] == "1000/minute"


def test_service_name_from_env(monkeypatch):
    monkeypatch.setenv("SERVICE_NAME", "orders")
    assert Settings().service_name == "orders"


@pytest.mark.parametrize(
    "spec, limit",
    [
        ("100/minute", Limit(100, 60)),
        ("10/second", Limit(10, 1)),
        ("5 / hour", Limit(5, 3600)),
        ("1000/5minutes", Limit(1000, 300)),
        ("1/day", Limit(1, 86400)),
    ],
)
def test_parse_limit(spec, limit):
    assert parse_limit(spec) == limit


@pytest.mark.parametrize("spec", ["", "100", "0/minute", "ten/minute", "10/fortnight"])
def test_bad_limits_are_refused(spec):
    with pytest.raises(ValueError):
        parse_limit(spec)
    with pytest.raises(ValueError):
        Settings(rate_limits={"default": spec})


def test_test_environment_gets_no_dev_issuer(tmp_path):
    from app.auth import build_verifier

    with pytest.raises(ConfigurationError, match="JWKS_URL"):
        build_verifier(Settings(environment="test", dev_issuer_key_path=str(tmp_path / "k.pem")))
    assert not (tmp_path / "k.pem").exists()


def test_server_start_with_default_secret_fails_with_a_clear_message(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "JWKS_URL", "DATABASE_URL")}
    env.update(ENVIRONMENT="prod", FEATURES="")
    result = subprocess.run(
        [sys.executable, "-c", "import app.asgi"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env=env,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: refusing to start in ENVIRONMENT=prod")
    assert "SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_passwords_from_their_own_files_join_the_urls(tmp_path, monkeypatch):
    (tmp_path / "db").write_text("p@ss/word")
    (tmp_path / "redis").write_text("tok:en")
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://app@db.internal:5432/app?ssl=require")
    monkeypatch.setenv("DB_PASSWORD_FILE", str(tmp_path / "db"))
    monkeypatch.setenv("REDIS_URL", "rediss://cache.internal:6380/0")
    monkeypatch.setenv("REDIS_PASSWORD_FILE", str(tmp_path / "redis"))
    settings = Settings()
    from sqlalchemy.engine import make_url

    db = make_url(settings.database_url)
    assert (db.username, db.password, db.host, db.database, db.query) == (
        "app",
        "p@ss/word",
        "db.internal",
        "app",
        {"ssl": "require"},
    )
    from redis.asyncio.connection import SSLConnection

    from app.core.redis_store import RedisStore

    pool = RedisStore(settings.redis_url).client.connection_pool  # what the service connects with
    kwargs = pool.connection_kwargs
    assert (kwargs["password"], kwargs["host"], kwargs["port"], pool.connection_class) == (
        "tok:en",
        "cache.internal",
        6380,
        SSLConnection,
    )
    assert "p@ss" not in repr(settings) and "tok:en" not in repr(settings.redis_password)


async def test_redis_password_reaches_the_client(redis_server_factory, client_factory, auth_header):
    server = redis_server_factory("--requirepass", "s3cr3t")
    async with client_factory(redis_url=server.url, redis_password="s3cr3t", rate_limits={"default": "1/minute"}) as client:
        alice = auth_header(sub="alice")
        assert (await client.get("/items", headers=alice)).status_code == 200  # rate-limit script: AUTH ok
        assert (await client.get("/items", headers=alice)).status_code == 429  # and it counts
        assert (await client.get("/readyz")).json()["checks"]["redis"] == {"status": "ok"}  # PING too
