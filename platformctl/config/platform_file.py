"""platform.yaml as a pydantic model: the organisation, its regions and per-environment sizes."""

from __future__ import annotations

import ipaddress
import keyword
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from platformctl.config.aws_regions import AWS_REGIONS

DNS_LABEL = r"^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$"
DnsLabel = Annotated[str, Field(pattern=DNS_LABEL, description="lower-case DNS label, at most 40 characters")]
DOMAIN = r"^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"


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
    flow_log_retention_days: int = Field(90, ge=1, le=3653)

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
    log_retention_days: int = Field(90, ge=1, le=3653)

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


class Messaging(_Strict):
    queues: list[Queue] = Field(default_factory=lambda: [Queue(name="jobs")])
    topics: list[DnsLabel] = Field(default_factory=lambda: ["notifications"])
    email_from_subdomain: DnsLabel = Field("mail", description="SES sends from <this>.<domain>.")
    sms_sender_id: str = Field("ACME", pattern=r"^[A-Za-z0-9]{1,11}$")
    sms_monthly_spend_limit_usd: int = Field(100, ge=1, le=100000)

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

    @model_validator(mode="after")
    def _fields(self) -> IdentityProvider:
        if self.type == "SAML" and not self.metadata_url:
            raise ValueError(f"SAML provider '{self.name}' needs metadata_url")
        if self.type == "OIDC" and not (self.issuer and self.client_id):
            raise ValueError(f"OIDC provider '{self.name}' needs issuer and client_id (its secret goes in Secrets Manager, not here)")
        return self


class Identity(_Strict):
    callback_urls: list[str] = Field(default_factory=list, description="OAuth callback URLs of the web SPA and mobile apps.")
    providers: list[IdentityProvider] = Field(default_factory=list)
    resource_server_scopes: list[str] = Field(default_factory=lambda: ["read", "write"])


class Warehouse(_Strict):
    snowflake_aws_principal: str | None = Field(
        None, description="The IAM user ARN that Snowflake's storage integration shows (DESC INTEGRATION)."
    )
    snowflake_external_id: str | None = Field(None, description="The external ID of that storage integration.")


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
    environments: dict[str, Environment] = Field(min_length=1)

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
