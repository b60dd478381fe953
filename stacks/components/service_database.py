"""A service's database and login role in the shared PostgreSQL, with IAM authentication and no password.

Who creates the role: a Kubernetes Job in the platform's system namespace, run by the service stack. The master
credential stays where it is (Secrets Manager, the data layer's key) and reaches only that Job: it is synced by a
store that authenticates as the Job's own service account, whose IAM role may read that one secret. It never enters
Pulumi state, the service's namespace, its CI or a developer's shell. (A Pulumi PostgreSQL provider would need the
master password in the stack and a network path from wherever `up` runs; a Job the service's deploy runs would put
the master credential in the service's namespace.) The SQL is idempotent, so re-running the Job is harmless.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s
from pulumi_kubernetes.apiextensions import CustomResource

from stacks.components.addon_release import RESTRICTED_CONTAINER, RESTRICTED_POD, ROLE_ARN_ANNOTATION
from stacks.components.irsa_role import IrsaRole, IrsaRoleArgs

ESO_API = "external-secrets.io/v1beta1"
POSTGRES_IMAGE = "public.ecr.aws/docker/library/postgres:16.6-alpine"
POSTGRES_UID = 70  # the alpine image's postgres user: the Job runs as non-root under Pod Security restricted


def database_identifier(service: str) -> str:
    """The service's database and role name: its name with '-' as '_', so SQL needs no quoting."""
    return service.replace("-", "_")


def bootstrap_sql(identifier: str) -> str:
    """Create the login role (IAM auth: member of rds_iam, no password) and its own database, only if missing."""
    return "\n".join([
        f"SELECT 'CREATE ROLE {identifier} LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{identifier}')\\gexec",
        f"GRANT rds_iam TO {identifier};",
        f"SELECT 'CREATE DATABASE {identifier} OWNER {identifier}' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{identifier}')\\gexec",
        f"REVOKE ALL ON DATABASE {identifier} FROM PUBLIC;",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {identifier} TO {identifier};",
    ])


def master_secret_policy(secret_arn: str, key_arn: str, region: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "ReadMasterSecret", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], "Resource": secret_arn},
        {"Sid": "DecryptMasterSecret", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn,
         "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}}},
    ]}, sort_keys=True)


@dataclass
class ServiceDatabaseArgs:
    provider: k8s.Provider
    service: str
    name_prefix: str  # <organisation>-<environment>
    region: str
    system_namespace: str
    vpc_cidr: pulumi.Input[str]
    db_endpoint: pulumi.Input[str]
    db_port: pulumi.Input[int]
    master_secret_arn: pulumi.Input[str]
    database_key_arn: pulumi.Input[str]
    oidc_provider_arn: pulumi.Input[str]
    oidc_provider_url: pulumi.Input[str]
    labels: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


class ServiceDatabase(pulumi.ComponentResource):
    database: str
    user: str

    def __init__(self, name: str, args: ServiceDatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:service:ServiceDatabase", name, None, opts)
        ident = database_identifier(args.service)
        job_name = f"db-bootstrap-{args.service}"
        ns = args.system_namespace
        role = IrsaRole(
            f"{name}-bootstrap-irsa",
            IrsaRoleArgs(
                role_name=f"{args.name_prefix}-{args.service}-db-bootstrap",
                oidc_provider_arn=args.oidc_provider_arn, oidc_provider_url=args.oidc_provider_url,
                namespace=ns, service_account=job_name,
                policy=pulumi.Output.all(args.master_secret_arn, args.database_key_arn).apply(lambda v: master_secret_policy(v[0], v[1], args.region)),
                tags=args.tags,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        k8s_opts = pulumi.ResourceOptions(parent=self, provider=args.provider)
        labels = {**args.labels, "platform.io/job": "db-bootstrap", "platform.io/service": args.service}
        account = k8s.core.v1.ServiceAccount(
            f"{name}-bootstrap-sa", metadata={"name": job_name, "namespace": ns, "labels": labels, "annotations": {ROLE_ARN_ANNOTATION: role.role_arn}},
            automount_service_account_token=False, opts=k8s_opts,
        )
        store = CustomResource(
            f"{name}-bootstrap-store", api_version=ESO_API, kind="SecretStore",
            metadata={"name": job_name, "namespace": ns, "labels": labels},
            spec={"provider": {"aws": {"service": "SecretsManager", "region": args.region, "auth": {"jwt": {"serviceAccountRef": {"name": job_name}}}}}},
            opts=pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[account]),
        )
        master = CustomResource(
            f"{name}-bootstrap-master", api_version=ESO_API, kind="ExternalSecret",
            metadata={"name": job_name, "namespace": ns, "labels": labels},
            spec={
                "refreshInterval": "15m",  # RDS rotates the managed master password: the Job must see the current one
                "secretStoreRef": {"kind": "SecretStore", "name": job_name},
                "target": {"name": job_name, "creationPolicy": "Owner"},
                "data": [{"secretKey": "PGUSER", "remoteRef": {"key": args.master_secret_arn, "property": "username"}},
                         {"secretKey": "PGPASSWORD", "remoteRef": {"key": args.master_secret_arn, "property": "password"}}],
            },
            opts=pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[store]),
        )
        # The system namespace denies egress by default; this Job alone may reach PostgreSQL.
        k8s.networking.v1.NetworkPolicy(  # type: ignore[call-overload]  # camelCase manifest dicts; the SDK's ArgsDicts spell snake_case
            f"{name}-bootstrap-egress",
            metadata={"name": job_name, "namespace": ns, "labels": labels},
            spec={"podSelector": {"matchLabels": {"platform.io/job": "db-bootstrap", "platform.io/service": args.service}},
                  "policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {"cidr": args.vpc_cidr}}], "ports": [{"protocol": "TCP", "port": 5432}]}]},
            opts=k8s_opts,
        )
        env = [
            {"name": "PGHOST", "value": args.db_endpoint},
            {"name": "PGPORT", "value": pulumi.Output.from_input(args.db_port).apply(str)},
            {"name": "PGDATABASE", "value": "postgres"},
            {"name": "PGSSLMODE", "value": "require"},  # the instance forces TLS
            *({"name": key, "valueFrom": {"secretKeyRef": {"name": job_name, "key": key}}} for key in ("PGUSER", "PGPASSWORD")),
        ]
        k8s.batch.v1.Job(  # type: ignore[call-overload]  # camelCase manifest dicts; the SDK's ArgsDicts spell snake_case
            f"{name}-bootstrap-job",
            metadata={"name": job_name, "namespace": ns, "labels": labels},
            spec={
                "backoffLimit": 4,
                "ttlSecondsAfterFinished": 3600,
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "serviceAccountName": job_name,
                        "restartPolicy": "Never",
                        "securityContext": {**RESTRICTED_POD, "runAsUser": POSTGRES_UID, "runAsGroup": POSTGRES_UID},
                        "containers": [{
                            "name": "psql",
                            "image": POSTGRES_IMAGE,
                            # psql's -c takes SQL or one backslash command, not both: \gexec needs the script on stdin
                            # (a pipe: the root filesystem is read-only, so no temporary file).
                            "command": ["sh", "-c", 'printf "%s\\n" "$BOOTSTRAP_SQL" | psql --no-psqlrc -v ON_ERROR_STOP=1 -f -'],
                            "env": [*env, {"name": "BOOTSTRAP_SQL", "value": bootstrap_sql(ident)}],
                            "securityContext": RESTRICTED_CONTAINER,
                            "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
                        }],
                    },
                },
            },
            opts=pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[master]),
        )
        self.database = ident
        self.user = ident
        self.register_outputs({"database": self.database, "user": self.user})
