"""platform.yaml as a pydantic model: the organisation, its regions and per-environment sizes."""

from __future__ import annotations

import ipaddress
import keyword
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from platformctl.config.aws_regions import AWS_REGIONS
from platformctl.config.instance_types import instance_type_problem

DNS_LABEL = r"^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$"
DnsLabel = Annotated[str, Field(pattern=DNS_LABEL, description="lower-case DNS label, at most 40 characters")]
DOMAIN = r"^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"


AUDIT_LOG_DAYS = 365


def _refuse_repeats(what: str, names: list[str], why: str) -> None:
    """Raise when a name is listed twice: two resources with one name collide in the cloud (and in the plan)."""
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"{what} must be unique ({why}); repeated: {', '.join(repeated)}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _region(value: str) -> str:
    if value not in AWS_REGIONS:
        raise ValueError(f"'{value}' is not an AWS region (for example eu-west-1, us-east-1)")
    return value


class Regions(_Strict):
    primary: str = Field(description="Region that serves traffic.")
    dr: str = Field(description="Region that holds the passive copy (active-passive DR).")

    _check_primary = field_validator("primary")(classmethod(lambda cls, v: _region(v)))
    _check_dr = field_validator("dr")(classmethod(lambda cls, v: _region(v)))

    @model_validator(mode="after")
    def _distinct(self) -> Regions:
        if self.primary == self.dr:
            raise ValueError(
                f"dr region must differ from the primary region ({self.primary}): a DR copy in the same region survives no regional outage"
            )
        return self


class NetworkSize(_Strict):
    cidr: str = Field(description="VPC CIDR in the primary region, /16 to /20.")
    dr_cidr: str = Field(description="VPC CIDR in the DR region; must not overlap any other.")
    azs: int = Field(3, ge=2, le=3, description="Availability zones (prod must use 3).")
    nat_gateways: int = Field(1, ge=1, le=3, description="NAT gateways: one per AZ in prod, one in dev.")
    flow_log_retention_days: int = Field(90, ge=1, le=3653, description="Default: 365 in production (audit evidence), 90 elsewhere.")

    @field_validator("cidr", "dr_cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        try:
            net = ipaddress.ip_network(value, strict=True)
        except ValueError as exc:
            raise ValueError(f"'{value}' is not a valid network CIDR ({exc})") from None
        if net.version != 4:
            raise ValueError(f"'{value}' must be an IPv4 CIDR")
        if not net.is_private:
            raise ValueError(f"'{value}' is not a private range (use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)")
        if not 16 <= net.prefixlen <= 20:
            raise ValueError(
                f"'{value}' is a /{net.prefixlen}: the VPC needs /16 to /20 to hold 3 subnet tiers over 3 AZs with room for pods"
            )
        return value

    @model_validator(mode="after")
    def _nat_within_azs(self) -> NetworkSize:
        if self.nat_gateways > self.azs:
            raise ValueError(f"nat_gateways ({self.nat_gateways}) cannot exceed azs ({self.azs})")
        return self


class NodeGroup(_Strict):
    name: DnsLabel
    instance_types: list[str] = Field(default_factory=lambda: ["m6i.large"], min_length=1)
    min: int = Field(1, ge=0, le=100)
    desired: int = Field(2, ge=0, le=100)
    max: int = Field(4, ge=1, le=200)
    disk_gb: int = Field(50, ge=20, le=1000)

    @field_validator("instance_types")
    @classmethod
    def _instance_types(cls, values: list[str]) -> list[str]:
        problems = [p for p in map(instance_type_problem, values) if p]
        if problems:
            raise ValueError("; ".join(problems))
        return values

    @model_validator(mode="after")
    def _bounds(self) -> NodeGroup:
        if not self.min <= self.desired <= self.max:
            raise ValueError(f"node group '{self.name}' needs min <= desired <= max (got {self.min}, {self.desired}, {self.max})")
        return self


class ClusterSize(_Strict):
    version: str = Field("1.31", pattern=r"^1\.(2[89]|3[0-9])$", description="Kubernetes minor version, e.g. 1.31.")
    public_endpoint_cidrs: list[str] = Field(
        default_factory=list,
        description="CIDRs allowed to the public API endpoint; empty means the public endpoint is off.",
    )
    node_groups: list[NodeGroup] = Field(default_factory=lambda: [NodeGroup(name="general")], min_length=1)
    admin_role_name: str = Field("platform-admin", description="IAM role granted cluster admin through an access entry.")
    autoscaler: Literal["karpenter", "cluster-autoscaler"] = "karpenter"
    log_retention_days: int = Field(90, ge=1, le=3653, description="Control-plane and container logs. Default: 365 in production, 90 elsewhere.")

    @field_validator("node_groups")
    @classmethod
    def _unique_groups(cls, groups: list[NodeGroup]) -> list[NodeGroup]:
        _refuse_repeats("node group names", [g.name for g in groups], "each becomes an EKS node group, named within its cluster")
        return groups

    @field_validator("public_endpoint_cidrs")
    @classmethod
    def _cidrs(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                net = ipaddress.ip_network(value, strict=True)
            except ValueError:
                raise ValueError(f"'{value}' is not a valid CIDR") from None
            if net.prefixlen == 0:
                raise ValueError("0.0.0.0/0 would open the Kubernetes API to the internet; list office or VPN CIDRs")
        return values


class DatabaseSize(_Strict):
    engine_version: str = Field("16.4", pattern=r"^\d+(\.\d+)?$")
    instance_class: str = Field("db.t4g.medium", pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$")
    allocated_storage_gb: int = Field(50, ge=20, le=65536)
    max_allocated_storage_gb: int = Field(200, ge=20, le=65536)
    multi_az: bool = False
    read_replicas: int = Field(0, ge=0, le=5)
    backup_retention_days: int = Field(30, ge=1, le=35)
    monitoring_interval_seconds: Literal[0, 1, 5, 10, 15, 30, 60] = Field(
        60, description="Enhanced Monitoring granularity in seconds; 0 turns it off."
    )

    @model_validator(mode="after")
    def _storage(self) -> DatabaseSize:
        if self.max_allocated_storage_gb < self.allocated_storage_gb:
            raise ValueError("max_allocated_storage_gb must be at least allocated_storage_gb")
        return self


class CacheSize(_Strict):
    node_type: str = Field("cache.t4g.small", pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$")
    engine_version: str = Field("7.1", pattern=r"^\d+(\.\d+)?$")
    cluster_mode: bool = False
    shards: int = Field(1, ge=1, le=500)
    replicas_per_shard: int = Field(1, ge=0, le=5)
    snapshot_retention_days: int = Field(7, ge=0, le=35)
    rebuildable: bool = Field(
        True, description="The cache holds nothing that cannot be rebuilt: DR cold-starts it instead of replicating."
    )

    @model_validator(mode="after")
    def _shards(self) -> CacheSize:
        if not self.cluster_mode and self.shards != 1:
            raise ValueError("shards > 1 needs cluster_mode: true")
        return self


class SearchSize(_Strict):
    enabled: bool = True
    engine_version: str = Field("OpenSearch_2.15", pattern=r"^OpenSearch_\d+\.\d+$")
    instance_type: str = Field("t3.medium.search", pattern=r"^[a-z0-9]+\.[a-z0-9]+\.search$")
    instance_count: int = Field(2, ge=1, le=80)
    dedicated_masters: bool = False
    master_instance_type: str = Field("m6g.large.search", pattern=r"^[a-z0-9]+\.[a-z0-9]+\.search$")
    volume_gb: int = Field(20, ge=10, le=16384)


class BackupPolicy(_Strict):
    retention_days: int = Field(30, ge=1, le=3650)
    schedule: str = Field("cron(0 3 * * ? *)", description="AWS Backup cron expression for the daily rule.")
    copy_to_dr: bool = True
    vault_lock: bool | None = Field(
        None,
        description="Lock the vaults (governance mode): no recovery point deleted before retention_days. Default: on in production.",
    )


class DisasterRecovery(_Strict):
    enabled: bool = True
    rpo_minutes: int = Field(60, ge=1, le=10080)
    rto_minutes: int = Field(240, ge=5, le=10080)
    pilot_light_min_nodes: int = Field(0, ge=0, le=3)
    database_replica: bool = Field(True, description="Keep a cross-region PostgreSQL read replica (continuous, RPO in minutes).")


class Environment(_Strict):
    production: bool | None = Field(None, description="Production rules apply; defaults to true for an environment named prod.")
    network: NetworkSize
    cluster: ClusterSize = Field(default_factory=ClusterSize)
    database: DatabaseSize = Field(default_factory=DatabaseSize)
    cache: CacheSize = Field(default_factory=CacheSize)
    search: SearchSize = Field(default_factory=SearchSize)
    backup: BackupPolicy = Field(default_factory=BackupPolicy)
    dr: DisasterRecovery = Field(default_factory=DisasterRecovery)


class Queue(_Strict):
    name: DnsLabel
    visibility_timeout_seconds: int = Field(60, ge=0, le=43200)
    max_receive_count: int = Field(5, ge=1, le=1000)
    retention_days: int = Field(4, ge=1, le=14)
    fifo: bool = False
    content_based_deduplication: bool = Field(False, description="FIFO only: deduplicate by a hash of the body.")

    @model_validator(mode="after")
    def _fifo_only(self) -> Queue:
        if self.content_based_deduplication and not self.fifo:
            raise ValueError(f"queue '{self.name}': content_based_deduplication needs fifo: true")
        return self


class Messaging(_Strict):
    queues: list[Queue] = Field(default_factory=lambda: [Queue(name="jobs")])
    topics: list[DnsLabel] = Field(default_factory=lambda: ["notifications"])
    email_from_subdomain: DnsLabel = Field("mail", description="SES sends from <this>.<domain>.")
    sms_sender_id: str = Field("ACME", pattern=r"^[A-Za-z0-9]{1,11}$")
    sms_monthly_spend_limit_usd: int = Field(100, ge=1, le=100000)
    dlq_retention_days: int = Field(14, ge=1, le=14, description="Dead-letter queues keep messages this long (SQS maximum: 14).")

    @field_validator("topics")
    @classmethod
    def _unique_topics(cls, topics: list[str]) -> list[str]:
        _refuse_repeats("topic names", topics, "each becomes an SNS topic named after it")
        return topics

    @field_validator("queues")
    @classmethod
    def _unique(cls, queues: list[Queue]) -> list[Queue]:
        names = [q.name for q in queues]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"queue names must be unique (repeated: {', '.join(dupes)})")
        return queues


class IdentityProvider(_Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
    type: Literal["SAML", "OIDC"]
    metadata_url: str | None = Field(None, description="SAML metadata URL.")
    issuer: str | None = Field(None, description="OIDC issuer URL.")
    client_id: str | None = None
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"], description="OIDC scopes asked of the provider.")
    attribute_mapping: dict[str, str] = Field(
        default_factory=dict, description="User pool attribute -> provider claim; a sensible email/username mapping when empty."
    )

    @model_validator(mode="after")
    def _fields(self) -> IdentityProvider:
        if self.type == "SAML" and not self.metadata_url:
            raise ValueError(f"SAML provider '{self.name}' needs metadata_url")
        if self.type == "OIDC" and not (self.issuer and self.client_id):
            raise ValueError(f"OIDC provider '{self.name}' needs issuer and client_id (its secret goes in Secrets Manager, not here)")
        return self


class PasswordPolicy(_Strict):
    # A nested block: the secret detector refuses scalar keys named *password*, rightly, but these are lengths.
    min_length: int = Field(14, ge=12, le=99, description="Minimum length; upper, lower, digits and symbols are always required.")
    temporary_validity_days: int = Field(3, ge=1, le=7, description="Days an admin-issued temporary password stays valid.")


class Identity(_Strict):
    callback_urls: list[str] = Field(default_factory=list, description="OAuth callback URLs of the web SPA and mobile apps.")
    providers: list[IdentityProvider] = Field(default_factory=list)
    resource_server_scopes: list[str] = Field(default_factory=lambda: ["read", "write"])
    logout_urls: list[str] = Field(default_factory=list, description="Where the hosted UI may send users after sign-out.")
    mobile_callback_urls: list[str] = Field(
        default_factory=list, description="Custom-scheme callbacks of the mobile app; default <organisation>://auth/callback."
    )
    password_policy: PasswordPolicy = Field(default_factory=lambda: PasswordPolicy())
    access_token_minutes: int = Field(60, ge=5, le=1440, description="Access and ID token lifetime.")
    refresh_token_days: int = Field(30, ge=1, le=3650)
    sms_mfa: bool = Field(False, description="Also offer SMS as a second factor (TOTP is always on).")
    self_sign_up: bool = Field(True, description="Users may sign up themselves; false: administrators create users.")
    github_oidc_provider_arn: str | None = Field(
        None,
        pattern=r"^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/token\.actions\.githubusercontent\.com$",
        description="The account's existing GitHub Actions OIDC provider; by default the identity layer creates it (one per account).",
    )

    @field_validator("callback_urls", "logout_urls", "mobile_callback_urls")
    @classmethod
    def _redirects(cls, urls: list[str]) -> list[str]:
        for url in urls:
            scheme = url.split("://", 1)[0] if "://" in url else ""
            local = url.startswith(("http://localhost", "http://127.0.0.1"))
            if not scheme or (scheme == "http" and not local):
                raise ValueError(f"'{url}' must use https (http only for localhost) or an app's custom scheme (myapp://…)")
        return urls

    @field_validator("resource_server_scopes")
    @classmethod
    def _scopes(cls, scopes: list[str]) -> list[str]:
        _refuse_repeats("scopes", scopes, "each is a scope of the one resource server")
        for scope in scopes:
            if not re.match(r"^[A-Za-z0-9_.:-]{1,256}$", scope):
                raise ValueError(f"scope '{scope}' may hold only letters, digits and _ . : -")
        return scopes


class Warehouse(_Strict):
    snowflake_aws_principal: str | None = Field(
        None, description="The IAM user ARN that Snowflake's storage integration shows (DESC INTEGRATION)."
    )
    snowflake_external_id: str | None = Field(None, description="The external ID of that storage integration.")


PriceClass = Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"]


class Edge(_Strict):
    """Public DNS, certificates, CDN and WAF. Each environment gets the zone <env>.<domain>, delegated from the apex."""

    existing_zone_ids: dict[str, str] = Field(
        default_factory=dict,
        description="Environment -> id of an existing public Route53 zone for <env>.<domain>; other environments get a new zone.",
    )
    static_subdomain: DnsLabel = Field("static", description="CloudFront serves static assets at <this>.<env>.<domain>.")
    api_subdomain: DnsLabel = Field("api", description="The API (ALB, record made by external-dns) at <this>.<env>.<domain>.")
    price_classes: dict[str, PriceClass] = Field(
        default_factory=dict,
        description="Environment -> CloudFront price class; default PriceClass_All in production, PriceClass_100 elsewhere.",
    )
    rate_limit_per_ip: int = Field(2000, ge=100, le=2_000_000_000, description="WAF: requests per IP per 5 minutes before blocking.")

    @field_validator("existing_zone_ids")
    @classmethod
    def _zone_ids(cls, ids: dict[str, str]) -> dict[str, str]:
        for env, zone_id in ids.items():
            if not re.match(r"^Z[A-Z0-9]{1,31}$", zone_id):
                raise ValueError(f"existing_zone_ids.{env}: '{zone_id}' is not a Route53 hosted zone id (Z followed by capitals and digits)")
        return ids


class Addons(_Strict):
    """Cluster add-ons: monitoring site, app namespaces, gateway limits and the groups that RBAC binds."""

    datadog_site: str = Field(
        "datadoghq.com",
        pattern=r"^(datadoghq\.com|datadoghq\.eu|us3\.datadoghq\.com|us5\.datadoghq\.com|ap1\.datadoghq\.com|ddog-gov\.com)$",
        description="The Datadog site of the organisation's account (its API key lives in Secrets Manager, never here).",
    )
    app_namespaces: list[DnsLabel] = Field(
        default_factory=lambda: ["apps"], min_length=1, description="Namespaces that services deploy to; each gets an app-deployer Role."
    )
    rate_limit_per_minute: int = Field(600, ge=1, le=1_000_000, description="Kong: requests per user (JWT subject) per minute.")
    developers_group: str = Field("platform:developers", description="Kubernetes group given cluster-wide read-only access.")
    deployers_group: str = Field("platform:app-deployers", description="Kubernetes group allowed to deploy into app namespaces.")


class PolicyWaiver(_Strict):
    """One accepted exception to a policy rule: for one resource, with a reason, until a date."""

    rule: str = Field(pattern=r"^[A-Z]+-[0-9]{3}$", description="The rule id, as `platformctl policy list` shows it.")
    resource: str = Field(min_length=1, description="The resource's logical name in the plan.")
    reason: str = Field(min_length=10, description="Why the exception is accepted, for the auditor.")
    expires: date = Field(description="The last day the waiver holds; after it the rule fails again.")
    environment: str | None = Field(None, description="Only this environment; every environment when unset.")


class PolicySettings(_Strict):
    waivers: list[PolicyWaiver] = Field(default_factory=list)


class Platform(_Strict):
    """The whole of platform.yaml."""

    version: Literal[1] = 1
    organisation: DnsLabel
    domain: str = Field(pattern=DOMAIN, max_length=253, description="Apex DNS domain of the platform, e.g. acme.example.com.")
    regions: Regions
    tags: dict[str, str] = Field(default_factory=dict)
    messaging: Messaging = Field(default_factory=Messaging)
    identity: Identity = Field(default_factory=Identity)
    warehouse: Warehouse = Field(default_factory=Warehouse)
    edge: Edge = Field(default_factory=Edge)
    addons: Addons = Field(default_factory=Addons)
    environments: dict[str, Environment] = Field(min_length=1)
    policies: PolicySettings = Field(default_factory=PolicySettings)

    @model_validator(mode="before")
    @classmethod
    def _production_log_retention(cls, data: Any) -> Any:
        """SOC 2 and HIPAA evidence looks back a year: production keeps every log 365 days unless the file says otherwise."""
        environments = data.get("environments") if isinstance(data, dict) else None
        for name, env in (environments or {}).items() if isinstance(environments, dict) else ():
            if not isinstance(env, dict) or not (env.get("production") if env.get("production") is not None else name == "prod"):
                continue
            if isinstance(env.get("network"), dict):
                env["network"] = {"flow_log_retention_days": AUDIT_LOG_DAYS, **env["network"]}
            if isinstance(env.get("cluster", {}), dict):
                env["cluster"] = {"log_retention_days": AUDIT_LOG_DAYS, **env.get("cluster", {})}
        return data

    @field_validator("environments")
    @classmethod
    def _env_names(cls, envs: dict[str, Environment]) -> dict[str, Environment]:
        for name in envs:
            if not re.match(r"^[a-z][a-z0-9-]{0,15}$", name) or keyword.iskeyword(name):
                raise ValueError(f"environment name '{name}' must be a lower-case DNS label of at most 16 characters")
        return envs

    def is_production(self, env: str) -> bool:
        """Whether production rules (3 AZs, NAT per AZ, 30-day backups, protection) apply to env."""
        flag = self.environments[env].production
        return env == "prod" if flag is None else flag
