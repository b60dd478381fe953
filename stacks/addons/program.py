"""The addons layer: cluster baseline, then Helm add-ons with IRSA roles, on the cluster the cluster layer made."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from stacks.addons.kubeconfig import kubeconfig
from stacks.addons.settings import AddonsSettings
from stacks.components.autoscaling_addons import AutoscalingAddons, AutoscalingAddonsArgs
from stacks.components.cluster_baseline import ClusterBaseline, ClusterBaselineArgs
from stacks.components.dns_addons import DnsAddons, DnsAddonsArgs
from stacks.components.ingress_addons import KONG_POD_LABELS, KONG_PROXY_SERVICE, IngressAddons, IngressAddonsArgs
from stacks.components.kong_plugins import KongPlugins, KongPluginsArgs
from stacks.components.observability_addons import ObservabilityAddons, ObservabilityAddonsArgs
from stacks.components.public_entry import PublicEntry, PublicEntryArgs
from stacks.components.rate_limit_store import RateLimitStore, RateLimitStoreArgs
from stacks.components.secrets_addons import STORE_NAME, SecretsAddons, SecretsAddonsArgs, SyncedSecret
from stacks.components.user_pool_consumer import UserPoolConsumer, UserPoolConsumerArgs
from stacks.outputs import Layer, export_outputs, reference

DATADOG_SECRET = "datadog-api-key"
KONG_LICENSE_SECRET = "kong-enterprise-license"


def program() -> None:
    s = AddonsSettings.from_config(pulumi.Config())
    network, cluster, identity = reference(Layer.NETWORK), reference(Layer.CLUSTER), reference(Layer.IDENTITY)
    data, edge = reference(Layer.DATA), reference(Layer.EDGE)
    cluster_name = cluster.get("clusterName")
    oidc = {"oidc_provider_arn": cluster.get("oidcProviderArn"), "oidc_provider_url": cluster.get("oidcProviderUrl")}
    provider = k8s.Provider(
        "addons-k8s",
        kubeconfig=kubeconfig(cluster_name, cluster.get("clusterEndpoint"), cluster.get("clusterCertificateAuthority"), s.primary_region),
        enable_server_side_apply=True,
    )
    labels = {"app.kubernetes.io/managed-by": "platformctl", "platform.io/environment": s.environment}
    baseline = ClusterBaseline(
        "baseline",
        ClusterBaselineArgs(
            provider=provider, cluster_name=cluster_name, namespaces=s.namespaces, vpc_cidr=network.get("vpcCidr"),
            developers_group=s.developers_group, deployers_group=s.deployers_group, alb_cidrs=s.public_subnet_cidrs, labels=labels, tags=s.tags,
        ),
    )
    secrets = SecretsAddons(
        "secrets",
        SecretsAddonsArgs(
            provider=provider, name_prefix=s.prefix, namespace=s.system_namespace, region=s.primary_region, chart=s.charts["externalSecrets"],
            secrets=[
                SyncedSecret("datadog", s.datadog_api_key_secret_name, s.observability_namespace, DATADOG_SECRET, "api-key"),
                SyncedSecret("kong-license", s.kong_license_secret_name, s.ingress_namespace, KONG_LICENSE_SECRET, "license"),
            ],
            recovery_window_days=30 if s.production else 7, protect=s.production,
            depends_on=[baseline], tags=s.tags, **oidc,
        ),
    )
    ingress = IngressAddons(
        "ingress",
        IngressAddonsArgs(
            provider=provider, name_prefix=s.prefix, system_namespace=s.system_namespace, ingress_namespace=s.ingress_namespace,
            cluster_name=cluster_name, region=s.primary_region, vpc_id=network.get("vpcId"), alb_chart=s.charts["albController"],
            kong_chart=s.charts["kong"], kong_license_secret=KONG_LICENSE_SECRET, replicas=3 if s.production else 2,
            depends_on=[baseline, *secrets.synced], tags=s.tags, **oidc,
        ),
    )
    rate_limits = RateLimitStore(
        "rate-limits",
        RateLimitStoreArgs(
            provider=provider, namespace=s.ingress_namespace, kong_pod_labels=KONG_POD_LABELS, depends_on=[baseline], labels=labels,
        ),
    )
    plugins = KongPlugins(
        "kong-plugins",
        KongPluginsArgs(
            provider=provider, issuer_url=identity.get("issuerUrl"), jwks_url=identity.get("jwksUrl"), ingress_class=ingress.ingress_class,
            requests_per_minute=s.rate_limit_per_minute, redis_host=rate_limits.host, depends_on=[ingress.kong], labels=labels,
        ),
    )
    UserPoolConsumer(
        "user-pool",
        UserPoolConsumerArgs(
            provider=provider, namespace=s.ingress_namespace, jwks_url=identity.get("jwksUrl"), ingress_class=ingress.ingress_class,
            depends_on=[ingress.kong, *secrets.synced], labels=labels,
        ),
    )
    dns = DnsAddons(
        "dns",
        DnsAddonsArgs(
            provider=provider, name_prefix=s.prefix, namespace=s.system_namespace, zone_name=s.dns_zone_name, owner_id=cluster_name,
            chart=s.charts["externalDns"], depends_on=[baseline], tags=s.tags, **oidc,
        ),
    )
    entry = PublicEntry(
        "public-entry",
        PublicEntryArgs(
            provider=provider, namespace=s.ingress_namespace, hostname=edge.get("apiHostname"), kong_proxy_service=KONG_PROXY_SERVICE,
            certificate_arn=edge.get("certificateArn"), web_acl_arn=edge.get("albWebAclArn"), security_group_id=network.get("albSecurityGroupId"),
            public_subnet_ids=network.get("publicSubnetIds"), logs_bucket=data.get("accessLogsBucketName"), deletion_protection=s.production,
            # The controller makes the ALB, Kong serves it, external-dns publishes its name.
            depends_on=[ingress.alb_controller, ingress.kong, dns], labels=labels,
        ),
    )
    autoscaler_chart = s.charts["karpenter" if s.autoscaler == "karpenter" else "clusterAutoscaler"]
    AutoscalingAddons(
        "autoscaling",
        AutoscalingAddonsArgs(
            provider=provider, name_prefix=s.prefix, namespace=s.system_namespace, autoscaler=s.autoscaler, cluster_name=cluster_name,
            region=s.primary_region, node_role_arn=cluster.get("nodeRoleArn"), node_security_group_id=cluster.get("nodeSecurityGroupId"),
            private_subnet_ids=network.get("privateSubnetIds"), metrics_server_chart=s.charts["metricsServer"], autoscaler_chart=autoscaler_chart,
            cpu_limit=s.node_cpu_limit, allow_spot=s.allow_spot, depends_on=[baseline], tags=s.tags, **oidc,
        ),
    )
    observability = ObservabilityAddons(
        "observability",
        ObservabilityAddonsArgs(
            provider=provider, name_prefix=s.prefix, environment=s.environment, namespace=s.observability_namespace, region=s.primary_region,
            cluster_name=cluster_name, logs_key_arn=network.get("logsKeyArn"), log_group_name=s.log_group_name,
            log_retention_days=s.log_retention_days, protect_logs=s.production, datadog_site=s.datadog_site, datadog_api_key_secret=DATADOG_SECRET,
            datadog_chart=s.charts["datadog"], fluent_bit_chart=s.charts["fluentBit"], depends_on=[baseline, *secrets.synced],
            tags=s.tags, **oidc,
        ),
    )
    export_outputs(
        Layer.ADDONS,
        {
            "namespaces": [spec.name for spec in s.namespaces],
            "appNamespaces": [spec.name for spec in s.namespaces if spec.role == "app"],
            "kongProxyService": ingress.kong_proxy_service,
            "ingressClass": ingress.ingress_class,
            "kongPlugins": plugins.plugin_names,
            "containerLogGroupName": observability.log_group_name,
            "secretStoreName": STORE_NAME,
            "autoscaler": s.autoscaler,
            "publicEntryHostname": entry.hostname,
            "rateLimitRedisHost": rate_limits.host,
        },
    )
