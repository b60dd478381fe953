"""The typed context of the deploy templates, built from service.yaml, the environment and the layers' outputs.

Every value the templates under templates/deploy/ use is a field here; the templates make no
decisions beyond `if` on the flags computed below.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from platformctl.config import service_env as env_names
from platformctl.config import service_names as names
from platformctl.config.platform_file import Platform
from platformctl.config.platform_outputs import PlatformOutputs
from platformctl.config.service_file import ServiceManifest
from platformctl.config.stack_config.addons import INGRESS_NAMESPACE
from platformctl.errors import UsageError

APP_UID = 10001  # the skeleton Dockerfile's `USER 10001:10001`
KONG_JWT_PLUGIN = "platform-jwt"  # KongClusterPlugin made by the addons layer (stacks/components/kong_plugins.py)
POSTGRES_PORT_FALLBACK = 5432
REDIS_PORT = 6379  # ElastiCache's port; the data layer exports only the host
HTTPS_PORT = 443  # AWS endpoints (STS, SQS, SES, Secrets Manager) and OpenSearch, all over TLS
JOB_FEATURE = "jobs"
SEARCH_FEATURE = "search"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Resources(_Frozen):
    cpu: str
    memory: str
    cpu_limit: str
    memory_limit: str
    ephemeral_storage: str
    ephemeral_storage_limit: str


class DeployContext(_Frozen):
    """What a render of one service for one environment needs; nothing else reaches the templates."""

    service: str
    namespace: str
    owner: str
    env: str
    production: bool
    port: int
    image: str  # repository@sha256:…
    version: str  # the image tag, or the digest's first 12 hex digits
    revision: int
    uid: int
    replicas_min: int
    replicas_max: int
    autoscaled: bool  # an HPA owns the replica count; the Deployment then has no `replicas`
    target_cpu: int
    resources: Resources
    progress_deadline_seconds: int
    migration_deadline_seconds: int
    termination_grace_seconds: int
    role_arn: str
    config_data: dict[str, str]
    config_hash: str
    secret_hash: str
    secret_store: str
    secret_remote_key: str
    secret_files: dict[str, str]  # secret key -> file name under secrets_mount
    secrets_mount: str
    ingress_namespace: str
    ingress_class: str
    api_hostname: str
    route_path: str
    rate_limit_per_minute: int
    jwt_plugin: str
    vpc_cidr: str
    egress_ports: list[int]
    has_worker: bool
    applyset_id: str
    applyset_parent: str
    labels: dict[str, str]
    selector: dict[str, str]


@dataclass(frozen=True)
class RenderInputs:
    manifest: ServiceManifest  # already merged for env
    platform: Platform
    outputs: PlatformOutputs
    env: str
    image: str  # pinned by digest
    version: str
    revision: int = 0
    secret_digest: str | None = None  # hash of the synced Secret's data, known only during a deploy


def applyset_id(parent_name: str, namespace: str) -> str:
    """The ApplySet id of a ConfigMap parent, as the ApplySet KEP defines it (kubectl computes the same)."""
    digest = hashlib.sha256(f"{parent_name}.{namespace}.ConfigMap.".encode()).digest()
    return "applyset-" + base64.urlsafe_b64encode(digest).decode().rstrip("=") + "-v1"


def _per_minute(spec: str) -> int:
    count, unit = spec.split("/")
    return max(1, round(int(count) * {"second": 60, "minute": 1, "hour": 1 / 60, "day": 1 / 1440}[unit]))


def _short_hash(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def _config_data(inputs: RenderInputs, namespace: str) -> dict[str, str]:
    m, o = inputs.manifest, inputs.outputs
    region = inputs.platform.regions.primary
    database = m.name.replace("-", "_")
    data = {
        env_names.ENVIRONMENT: inputs.env,
        env_names.SERVICE_NAME: m.name,
        env_names.VERSION: inputs.version,
        env_names.FEATURES: ",".join(m.features),
        env_names.LOG_JSON: "true",
        env_names.RATE_LIMITS: json.dumps(m.rate_limits or {"default": "100/minute"}, sort_keys=True),
        # IAM authentication: the pod's role signs a token; no database password exists in the cluster.
        env_names.DATABASE_URL: f"postgresql+asyncpg://{database}@{o.data.db_endpoint}:{o.data.db_port}/{database}?ssl=require",
        env_names.DB_IAM_AUTH: "true",
        env_names.DB_IAM_REGION: region,
        # The migration Job migrates; pods never do (two pods racing a migration at startup).
        env_names.DB_AUTO_MIGRATE: "false",
        env_names.REDIS_URL: f"rediss://{o.data.redis_primary_endpoint}:{REDIS_PORT}/0",
        env_names.JWT_ISSUER: o.identity.issuer_url,
        env_names.JWT_AUDIENCE: o.identity.audiences[0],
        env_names.JWKS_URL: o.identity.jwks_url,
    }
    for key, variable in env_names.SECRET_FILES.items():
        data[variable] = f"{env_names.SECRETS_MOUNT}/{key}"
    if JOB_FEATURE in m.features:
        queue = m.queues[0] if m.queues else f"{m.name}-jobs"
        if queue not in o.messaging.queue_urls:
            raise UsageError(
                f"The platform has no queue {queue!r} for {m.name} in {inputs.env}.",
                hint="Add the queue to platform.yaml's messaging.queues (or service.yaml's queues) and run `platformctl up`.",
            )
        data[env_names.JOBS_QUEUE_URL] = o.messaging.queue_urls[queue]
        data[env_names.JOBS_REGION] = region
    if SEARCH_FEATURE in m.features and o.data.search_domain_endpoint:
        data[env_names.SEARCH_ENABLED] = "true"
        data[env_names.SEARCH_URL] = f"https://{o.data.search_domain_endpoint}"
        data[env_names.SEARCH_AWS_SIGV4] = "true"
        data[env_names.SEARCH_REGION] = region
    unknown = set(data) - set(env_names.MANIFEST_VARIABLES)
    assert not unknown, f"variables outside the contract: {unknown}"  # a bug here, not bad input
    return dict(sorted(data.items()))


def build_context(inputs: RenderInputs) -> DeployContext:
    """The template context for one service in one environment.

    Raises:
        UsageError: production with fewer than two replicas, or a queue the platform lacks.
    """
    m, o, platform = inputs.manifest, inputs.outputs, inputs.platform
    production = platform.is_production(inputs.env)
    scaling, res = m.scaling, m.resources
    assert scaling.min is not None and scaling.max is not None and scaling.target_cpu is not None  # check_service guarantees it
    assert res.cpu is not None and res.memory is not None
    if production and scaling.min < 2:
        raise UsageError(
            f"{m.name} would run {scaling.min} replica in {inputs.env}, a production environment: one node drain takes it down.",
            hint=f"Set environments.{inputs.env}.scaling.min to 2 or more in service.yaml.",
        )
    namespace = m.namespace or names.namespace(m.name)
    parent = names.applyset_parent_name(m.name)
    set_id = applyset_id(parent, namespace)
    config = _config_data(inputs, namespace)
    selector = {"app.kubernetes.io/name": m.name, "app.kubernetes.io/instance": f"{m.name}-{inputs.env}"}
    labels = {
        **selector,
        "app.kubernetes.io/version": inputs.version,
        "app.kubernetes.io/managed-by": "platformctl",
        "app.kubernetes.io/part-of": m.name,
        "platform/owner": m.owner,
        "applyset.kubernetes.io/part-of": set_id,
    }
    secret_remote = names.secret_name(platform.organisation, inputs.env, m.name)
    ports = sorted({o.data.db_port or POSTGRES_PORT_FALLBACK, REDIS_PORT, HTTPS_PORT})
    return DeployContext(
        service=m.name,
        namespace=namespace,
        owner=m.owner,
        env=inputs.env,
        production=production,
        port=m.port,
        image=inputs.image,
        version=inputs.version,
        revision=inputs.revision,
        uid=APP_UID,
        replicas_min=scaling.min,
        replicas_max=scaling.max,
        autoscaled=scaling.max > scaling.min,
        target_cpu=scaling.target_cpu,
        resources=Resources(
            cpu=res.cpu,
            memory=res.memory,
            cpu_limit=res.cpu_limit or res.cpu,
            memory_limit=res.memory_limit or res.memory,
            ephemeral_storage=m.deploy.ephemeral_storage,
            ephemeral_storage_limit=m.deploy.ephemeral_storage_limit,
        ),
        progress_deadline_seconds=m.deploy.progress_deadline_seconds,
        migration_deadline_seconds=m.deploy.migration_deadline_seconds,
        termination_grace_seconds=m.deploy.termination_grace_seconds,
        role_arn=names.pod_role_arn(o.cluster.account_id, platform.organisation, inputs.env, m.name),
        config_data=config,
        config_hash=_short_hash(config),
        # Until the Secret has synced (render, GitOps), its source is what identifies it.
        secret_hash=inputs.secret_digest or _short_hash({"store": o.addons.secret_store_name, "key": secret_remote}),
        secret_store=o.addons.secret_store_name,
        secret_remote_key=secret_remote,
        secret_files={key: key for key in env_names.SECRET_FILES},
        secrets_mount=env_names.SECRETS_MOUNT,
        ingress_namespace=INGRESS_NAMESPACE,
        ingress_class=o.addons.ingress_class,
        api_hostname=o.edge.api_hostname,
        route_path=f"/{m.name}",
        rate_limit_per_minute=_per_minute(m.rate_limits.get("default", "100/minute")),
        jwt_plugin=KONG_JWT_PLUGIN,
        vpc_cidr=o.network.vpc_cidr,
        egress_ports=ports,
        has_worker=JOB_FEATURE in m.features,
        applyset_id=set_id,
        applyset_parent=parent,
        labels=labels,
        selector=selector,
    )
