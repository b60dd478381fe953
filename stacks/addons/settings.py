"""The addons layer's Pulumi config as one typed object (the program reads config only here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stacks.components.addon_release import ChartPin
from stacks.components.cluster_baseline import NamespaceSpec
from stacks.layer_settings import ConfigSource, LayerSettings, read_common


@dataclass(frozen=True, kw_only=True)
class AddonsSettings(LayerSettings):
    autoscaler: str
    charts: dict[str, ChartPin]
    namespaces: list[NamespaceSpec]
    system_namespace: str
    ingress_namespace: str
    observability_namespace: str
    dns_zone_name: str
    datadog_site: str
    datadog_api_key_secret_name: str
    kong_license_secret_name: str
    log_group_name: str
    log_retention_days: int
    node_cpu_limit: int
    allow_spot: bool
    rate_limit_per_minute: int
    developers_group: str
    deployers_group: str
    public_subnet_cidrs: list[str]  # where the ALB lives: the only sources Kong's proxy admits

    @classmethod
    def from_config(cls, config: ConfigSource) -> AddonsSettings:
        raw_namespaces: list[dict[str, Any]] = config.require_object("namespaces")
        system, ingress, observability = (config.require(k) for k in ("systemNamespace", "ingressNamespace", "observabilityNamespace"))
        roles = {system: "system", ingress: "ingress", observability: "observability"}
        return cls(
            **read_common(config),
            autoscaler=config.require("autoscaler"),
            charts={key: ChartPin.from_config(value) for key, value in config.require_object("charts").items()},
            namespaces=[
                NamespaceSpec(name=n["name"], role=roles.get(n["name"], "app"), pod_security=n["podSecurity"], reason=n.get("reason", ""))
                for n in raw_namespaces
            ],
            system_namespace=system,
            ingress_namespace=ingress,
            observability_namespace=observability,
            dns_zone_name=config.require("dnsZoneName"),
            datadog_site=config.require("datadogSite"),
            datadog_api_key_secret_name=config.require("datadogApiKeySecretName"),
            kong_license_secret_name=config.require("kongLicenseSecretName"),
            log_group_name=config.require("logGroupName"),
            log_retention_days=config.require_int("logRetentionDays"),
            node_cpu_limit=config.require_int("nodeCpuLimit"),
            allow_spot=config.require_bool("allowSpot"),
            rate_limit_per_minute=config.require_int("rateLimitPerMinute"),
            developers_group=config.require("developersGroup"),
            deployers_group=config.require("deployersGroup"),
            public_subnet_cidrs=list(config.require_object("publicSubnetCidrs")),
        )
