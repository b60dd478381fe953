"""A service on the platform: its image repository, pod and CI roles, queues, database role, secrets, namespace and Kong route.

One stack per service and environment: project `service-<name>`, stack `<env>` (stacks/layer_table.py), so
`reference(Layer.X)` reads the same environment's layers. The values come from the service's service.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from stacks.addons.kubeconfig import kubeconfig
from stacks.components.irsa_role import IrsaRole, IrsaRoleArgs
from stacks.components.job_queue import JobQueue, JobQueueArgs
from stacks.components.service_ci_roles import ServiceCiRoles, ServiceCiRolesArgs
from stacks.components.service_database import ServiceDatabase, ServiceDatabaseArgs
from stacks.components.service_gateway import ServiceGateway, ServiceGatewayArgs
from stacks.components.service_image_repository import ServiceImageRepository, ServiceImageRepositoryArgs
from stacks.components.service_namespace import ServiceNamespace, ServiceNamespaceArgs
from stacks.components.service_policies import PodGrants, pod_policy
from stacks.components.service_secrets import ServiceSecrets, ServiceSecretsArgs, secrets_path
from stacks.outputs import Layer, reference

BUCKET_OUTPUTS = {"uploads": "uploadsBucketArn", "exports": "exportsBucketArn"}


@dataclass(frozen=True)
class ServiceSettings:
    """The stack's config, typed (keys as stacks/service/Pulumi.yaml declares them)."""

    environment: str
    organisation: str
    region: str
    production: bool
    tags: dict[str, str]
    service: str
    repository: str
    github_environments: list[str]
    owns_registry: bool
    keep_images: int
    features: list[str]
    queues: list[str]
    buckets: list[str]
    database: bool
    public: bool
    secrets: list[str]
    rate_limit_per_minute: int
    port: int
    system_namespace: str
    ingress_namespace: str
    observability_namespace: str

    @property
    def name_prefix(self) -> str:
        return f"{self.organisation}-{self.environment}"

    @classmethod
    def from_config(cls, c: pulumi.Config) -> ServiceSettings:
        route = c.require("route")
        if route not in ("public", "internal"):
            raise ValueError(f"route must be public or internal, not {route!r}")
        return cls(
            environment=c.require("environment"), organisation=c.require("organisation"), region=c.require("primaryRegion"),
            production=c.require_bool("production"), tags=c.require_object("tags"), service=c.require("service"),
            repository=c.require("repository"), github_environments=list(c.require_object("githubEnvironments")),
            owns_registry=c.require_bool("ownsRegistry"), keep_images=c.require_int("keepImages"), features=list(c.require_object("features")),
            queues=list(c.require_object("queues")), buckets=list(c.require_object("buckets")), database=c.require_bool("database"),
            public=route == "public", secrets=list(c.require_object("secrets")), rate_limit_per_minute=c.require_int("rateLimitPerMinute"),
            port=c.require_int("port"), system_namespace=c.require("systemNamespace"), ingress_namespace=c.require("ingressNamespace"),
            observability_namespace=c.require("observabilityNamespace"),
        )


def program() -> None:
    s = ServiceSettings.from_config(pulumi.Config())
    network, cluster, identity = reference(Layer.NETWORK), reference(Layer.CLUSTER), reference(Layer.IDENTITY)
    addons, data, messaging = reference(Layer.ADDONS), reference(Layer.DATA), reference(Layer.MESSAGING)
    tags = {**s.tags, "service": s.service}
    labels = {"app.kubernetes.io/managed-by": "platformctl", "platform.io/environment": s.environment, "app.kubernetes.io/part-of": s.service}
    account_id = aws.get_caller_identity_output().account_id
    cluster_name = cluster.get("clusterName")
    oidc = {"oidc_provider_arn": cluster.get("oidcProviderArn"), "oidc_provider_url": cluster.get("oidcProviderUrl")}
    provider = k8s.Provider(
        "service-k8s",
        kubeconfig=kubeconfig(cluster_name, cluster.get("clusterEndpoint"), cluster.get("clusterCertificateAuthority"), s.region),
        enable_server_side_apply=True,
    )

    # Its queues, built by the messaging layer's conventions (KMS, TLS only, redrive to a DLQ) and named
    # <org>-<env>-<service>-<queue>: the service's name is added unless the queue's name starts with it, so two services
    # cannot take the same queue.
    queues = {
        name: JobQueue(
            f"queue-{name}",
            JobQueueArgs(
                queue_name=f"{s.name_prefix}-{name if name.startswith(f'{s.service}-') else f'{s.service}-{name}'}",
                kms_key_arn=messaging.get("messagingKeyArn"), protect=s.production, tags=tags,
            ),
        )
        for name in s.queues
    }
    path = secrets_path(s.organisation, s.environment, s.service)
    notifies = "notifications" in s.features
    grants = pulumi.Output.all(
        account_id=account_id,
        queue_arns=[arn for q in queues.values() for arn in (q.arn, q.dead_letter_arn)],
        messaging_key=messaging.get("messagingKeyArn"),
        bucket_arns=[data.get(BUCKET_OUTPUTS[b]) for b in s.buckets],
        buckets_key=data.get("bucketsKeyArn"),
        secrets_key=data.get("secretsKeyArn"),
        db_resource_id=data.get("dbResourceId") if s.database else "",
        ses=[messaging.get("sesIdentityArn")] if notifies else [],
        topics=messaging.get("topicArns").apply(lambda t: sorted(t.values())) if notifies else [],
        search=data.get("searchDomainArn") if "search" in s.features else "",
    ).apply(lambda v: pod_policy(PodGrants(
        region=s.region, account_id=v["account_id"], service=s.service, queue_arns=v["queue_arns"], messaging_key_arn=v["messaging_key"],
        bucket_arns=v["bucket_arns"], buckets_key_arn=v["buckets_key"], secrets_path=path,
        secret_key_arns=[v["secrets_key"]], db_resource_id=v["db_resource_id"], db_user=s.service.replace("-", "_"),
        ses_arns=v["ses"], topic_arns=v["topics"], search_domain_arn=v["search"],
    )))
    pod_role = IrsaRole(
        "pod",
        IrsaRoleArgs(role_name=f"{s.name_prefix}-{s.service}", namespace=s.service, service_account=s.service, policy=grants, tags=tags, **oidc),
    )
    namespace = ServiceNamespace(
        "namespace",
        ServiceNamespaceArgs(
            provider=provider, service=s.service, vpc_cidr=network.get("vpcCidr"), ingress_namespace=s.ingress_namespace,
            observability_namespace=s.observability_namespace, pod_role_arn=pod_role.role_arn, labels=labels,
        ),
    )
    secrets = ServiceSecrets(
        "secrets",
        ServiceSecretsArgs(
            provider=provider, service=s.service, path=path, names=s.secrets, kms_key_arn=data.get("secretsKeyArn"), region=s.region,
            namespace=namespace.name, service_account=namespace.service_account, recovery_window_days=30 if s.production else 7,
            protect=s.production, depends_on=[namespace.namespace], tags=tags,
        ),
    )
    database = None
    if s.database:
        database = ServiceDatabase(
            "database",
            ServiceDatabaseArgs(
                provider=provider, service=s.service, name_prefix=s.name_prefix, region=s.region, system_namespace=s.system_namespace,
                vpc_cidr=network.get("vpcCidr"), db_endpoint=data.get("dbEndpoint"), db_port=data.get("dbPort"),
                master_secret_arn=data.get("dbMasterSecretArn"), database_key_arn=data.get("databaseKeyArn"), labels=labels, tags=tags, **oidc,
            ),
        )
    gateway = None
    if s.public:  # an internal service is reached inside the cluster only: no route, no consumer at the gateway
        gateway = ServiceGateway(
            "gateway",
            ServiceGatewayArgs(
                provider=provider, service=s.service, namespace=namespace.name, ingress_class=addons.get("ingressClass"),
                requests_per_minute=s.rate_limit_per_minute, redis_host=addons.get("rateLimitRedisHost"),
                public_hostname=addons.get("publicEntryHostname"), port=s.port, depends_on=[namespace.namespace, *secrets.synced], labels=labels,
            ),
        )
    registry = None
    if s.owns_registry:
        registry = ServiceImageRepository(
            "image", ServiceImageRepositoryArgs(repository_name=s.service, keep_images=s.keep_images, protect=s.production, tags=tags)
        )
    ci = ServiceCiRoles(
        "ci",
        ServiceCiRolesArgs(
            service=s.service, environment=s.environment, repository=s.repository, github_environments=s.github_environments,
            oidc_provider_arn=identity.get("githubOidcProviderArn"), cluster_name=cluster_name,
            cluster_arn=pulumi.Output.concat("arn:aws:eks:", s.region, ":", account_id, ":cluster/", cluster_name),
            namespace=s.service, image_repository_arn=registry.arn if registry else None, tags=tags,
        ),
    )
    # A service's outputs are read by `platformctl deploy`, not by other stacks: plain exports.
    pulumi.export("namespace", namespace.name)
    pulumi.export("serviceAccount", namespace.service_account)
    pulumi.export("podRoleArn", pod_role.role_arn)
    pulumi.export("deployRoleArn", ci.deploy_role_arn)
    pulumi.export("buildRoleArn", ci.build_role_arn)
    pulumi.export("imageRepositoryUrl", registry.url if registry else None)
    pulumi.export("queueUrls", {name: q.url for name, q in queues.items()})
    pulumi.export("secretName", secrets.secret_name)
    pulumi.export("database", database.database if database else None)
    pulumi.export("kongPlugins", gateway.plugins if gateway else [])
    pulumi.export("routePath", gateway.route_path if gateway else None)
