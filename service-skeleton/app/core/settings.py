"""Service configuration: every environment variable the core reads, in one pydantic-settings model."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
)

from app.about import SERVICE_NAME
from app.core.limits import parse_limit

Environment = Literal["local", "test", "dev", "staging", "prod"]

# Defaults that are fine on a laptop and fatal anywhere else: startup refuses them outside `local`.
DEFAULT_SECRET_KEY = "insecure-local-secret-key-change-me"
SECRET_FIELDS = ("secret_key",)


class FileEnvSource(PydanticBaseSettingsSource):
    """Reads `<NAME>_FILE` variables: the value of field NAME is the content of that file.

    This is how Kubernetes-mounted secrets (CSI secrets store, projected volumes) reach a field
    without putting the secret itself in the environment.
    """

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        path = os.environ.get(f"{field_name.upper()}_FILE")
        if not path:
            return None, field_name, False
        try:
            return Path(path).read_text(encoding="utf-8").strip(), field_name, False
        except OSError as exc:
            raise ValueError(f"{field_name.upper()}_FILE={path} cannot be read: {exc}") from exc

    def __call__(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, field in self.settings_cls.model_fields.items():
            value, key, _ = self.get_field_value(field, name)
            if value is not None:
                data[key] = value
        return data


def _split_commas(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Core settings. Features keep their own settings classes with their own prefixes."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    # Identity
    service_name: str = SERVICE_NAME
    environment: Environment = "local"
    version: str = "0.1.0"

    # HTTP
    docs_enabled: bool | None = None  # None: on in local only
    cors_allow_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_body_bytes: int = Field(default=1_048_576, ge=1)
    # All request headers together; a larger request gets 431 before any header is parsed.
    max_header_bytes: int = Field(default=16_384, ge=1024)
    # Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (IPs or CIDRs): the platform's
    # load balancer / Kong range, set per environment. Never "*": any client could pick its IP,
    # and with it its anonymous rate-limit bucket.
    forwarded_allow_ips: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["127.0.0.1"])
    access_log: bool = True
    log_level: str = "INFO"
    log_json: bool = True

    # Secrets
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)

    # Database: SQLite is the embedded local default; PostgreSQL (asyncpg) in the cluster.
    database_url: str = "sqlite+aiosqlite:///./local.db"
    db_password: SecretStr | None = None  # merged into DATABASE_URL (e.g. from DB_PASSWORD_FILE)
    # Connections a process uses at once (a first-come-first-served queue in front of both
    # pools: SQLAlchemy's, and asyncpg's for the items API's hot statements, app/core/pg.py).
    # Each pool may keep that many open, so plan for 2 x db_pool_size x processes x pods under
    # PostgreSQL's max_connections, with room for migrations and operators (RDS db.t4g.medium:
    # about 400); asyncpg's closes connections idle for a minute. Overflow connections are opened
    # and closed under load (15-18 a second were measured), so the default has none.
    db_pool_size: int = Field(default=20, ge=1)
    db_max_overflow: int = Field(default=0, ge=0)
    db_pool_timeout: float = Field(default=5.0, gt=0)
    db_pool_recycle: int = 1800
    db_statement_timeout_ms: int = 5000
    db_iam_auth: bool = False
    db_iam_region: str | None = None
    db_auto_migrate: bool | None = None  # None: on in local only

    # Redis (cache and rate limits); unset means in-process fallbacks.
    redis_url: str | None = None
    redis_password: SecretStr | None = None  # ElastiCache auth token, merged into REDIS_URL
    redis_timeout_seconds: float = Field(default=0.25, gt=0)
    redis_retry_after_seconds: float = Field(default=5.0, ge=0)
    cache_ttl_seconds: int = Field(default=300, ge=1)

    # Authentication (OIDC / JWKS)
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwks_url: str | None = None
    jwt_algorithms: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["RS256", "ES256"])
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=300)
    jwks_cache_seconds: int = Field(default=600, ge=1)
    jwks_min_refresh_seconds: float = Field(default=30.0, ge=0)
    jwt_roles_claim: str = "roles"  # dotted path; e.g. "cognito:groups" or "realm_access.roles"
    dev_issuer_key_path: str | None = None  # local only; default under the temp dir

    # Rate limits: "<count>/<second|minute|hour|day>", keyed by route name or "default".
    rate_limit_enabled: bool = True
    rate_limits: dict[str, str] = Field(default_factory=lambda: {"default": "100/minute"})

    # Features (comma list); None means every feature package present.
    features: Annotated[list[str] | None, NoDecode] = None

    # Observability
    otel_exporter_otlp_endpoint: str | None = None

    @model_validator(mode="after")
    def _merge_passwords(self) -> Settings:
        """Secrets mounted on their own (DB_PASSWORD_FILE, REDIS_PASSWORD_FILE) join their URLs,
        so every consumer of DATABASE_URL / REDIS_URL gets a complete one."""
        if self.db_password is not None:
            from sqlalchemy.engine import make_url

            url = make_url(self.database_url).set(password=self.db_password.get_secret_value())
            self.database_url = url.render_as_string(hide_password=False)
        if self.redis_password is not None and self.redis_url:
            parts = urlsplit(self.redis_url)
            user = unquote(parts.username) if parts.username else ""
            host = parts.hostname or "localhost"
            netloc = f"{quote(user, safe='')}:{quote(self.redis_password.get_secret_value(), safe='')}@{host}"
            if parts.port:
                netloc += f":{parts.port}"
            self.redis_url = urlunsplit(parts._replace(netloc=netloc))
        return self

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _no_wildcard_proxy(cls, value: list[str]) -> list[str]:
        import ipaddress

        for entry in value:
            if entry == "*":
                raise ValueError("FORWARDED_ALLOW_IPS must list the proxies' addresses or CIDRs, not '*'")
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"FORWARDED_ALLOW_IPS entry {entry!r} is not an IP address or CIDR") from None
        return value

    @field_validator("cors_allow_origins", "jwt_algorithms", "features", "forwarded_allow_ips", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        return _split_commas(value)

    @field_validator("jwt_algorithms")
    @classmethod
    def _asymmetric_only(cls, value: list[str]) -> list[str]:
        allowed = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
        bad = [alg for alg in value if alg not in allowed]
        if bad or not value:
            raise ValueError(f"only asymmetric JWT algorithms are accepted, got {bad or value}")
        return value

    @field_validator("rate_limits")
    @classmethod
    def _valid_limits(cls, value: dict[str, str]) -> dict[str, str]:
        for spec in value.values():
            parse_limit(spec)
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings, FileEnvSource(settings_cls)]
        secrets_dir = os.environ.get("SECRETS_DIR")
        if secrets_dir:
            sources.append(SecretsSettingsSource(settings_cls, secrets_dir=secrets_dir))
        return tuple(sources)

    # Derived values
    @property
    def is_local(self) -> bool:
        return self.environment in ("local", "test")

    @property
    def show_docs(self) -> bool:
        return self.is_local if self.docs_enabled is None else self.docs_enabled

    @property
    def auto_migrate(self) -> bool:
        return self.is_local if self.db_auto_migrate is None else self.db_auto_migrate

    @property
    def uses_dev_issuer(self) -> bool:
        return self.environment == "local" and not self.jwks_url

    def dev_key_path(self) -> Path:
        import tempfile

        if self.dev_issuer_key_path:
            return Path(self.dev_issuer_key_path)
        return Path(tempfile.gettempdir()) / f"{self.service_name}-dev-issuer" / "signing-key.pem"


class ConfigurationError(RuntimeError):
    """Settings that must not reach production; the message says what to set."""


def check_production_ready(settings: Settings) -> None:
    """Refuse to start outside local with default secrets or without an identity provider.

    Raises:
        ConfigurationError: naming every offending variable.
    """
    if settings.is_local:
        return
    problems: list[str] = []
    for name in SECRET_FIELDS:
        default = Settings.model_fields[name].default
        value = getattr(settings, name)
        if isinstance(value, SecretStr) and isinstance(default, SecretStr):
            if value.get_secret_value() == default.get_secret_value():
                problems.append(
                    f"{name.upper()} is left at its insecure default: set it, or {name.upper()}_FILE to a mounted secret"
                )
    if not settings.jwks_url:
        problems.append("JWKS_URL is not set: the local dev issuer exists only with ENVIRONMENT=local")
    if not settings.jwt_issuer or not settings.jwt_audience:
        problems.append("JWT_ISSUER and JWT_AUDIENCE must be set outside ENVIRONMENT=local")
    if settings.database_url.startswith("sqlite"):
        problems.append("DATABASE_URL points at SQLite: set a PostgreSQL URL outside ENVIRONMENT=local")
    if problems:
        raise ConfigurationError(f"refusing to start in ENVIRONMENT={settings.environment}:\n  - " + "\n  - ".join(problems))
