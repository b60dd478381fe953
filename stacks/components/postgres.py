"""RDS PostgreSQL: encrypted, private, TLS-only, IAM auth, Secrets Manager master password, read replicas."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypedDict

import pulumi
import pulumi_aws as aws

from stacks.components.data_tier import DataTier

PORT = 5432
LOG_EXPORTS = ["postgresql", "upgrade"]
# Dynamic parameters apply at once; none of these needs a reboot.
PARAMETERS = {
    "rds.force_ssl": "1",  # refuse clients that do not use TLS
    "log_connections": "1",
    "log_disconnections": "1",
    "log_lock_waits": "1",
    "log_min_duration_statement": "1000",  # statements slower than 1 s
    "log_statement": "ddl",
}


class SharedInstanceSettings(TypedDict):
    """What the primary and its read replicas share; typed, so a misspelt or mistyped key fails mypy."""

    instance_class: str
    port: int
    storage_type: str
    storage_encrypted: bool
    kms_key_id: pulumi.Input[str]
    publicly_accessible: bool
    vpc_security_group_ids: Sequence[pulumi.Input[str]]
    parameter_group_name: pulumi.Input[str]
    iam_database_authentication_enabled: bool
    performance_insights_enabled: bool
    performance_insights_kms_key_id: pulumi.Input[str]
    performance_insights_retention_period: int
    enabled_cloudwatch_logs_exports: Sequence[str]
    monitoring_interval: int
    monitoring_role_arn: pulumi.Input[str] | None
    copy_tags_to_snapshot: bool
    auto_minor_version_upgrade: bool
    deletion_protection: bool


@dataclass
class PostgresDatabaseArgs:
    identifier: str  # physical name, f"{organisation}-{environment}-postgres"
    engine_version: str
    instance_class: str
    allocated_storage_gb: int
    max_allocated_storage_gb: int
    multi_az: bool
    read_replicas: int
    backup_retention_days: int
    production: bool  # deletion protection, final snapshot, protect=True
    kms_key_arn: pulumi.Input[str]  # the database key: storage, Performance Insights, master secret
    tier: DataTier  # isolated subnets; clients admitted on 5432 only
    monitoring_interval_seconds: int = 60
    # On the primary only: AWS Backup selects by tag, and a replica holds nothing the primary does not.
    backup_tags: dict[str, str] = field(default_factory=dict)


class PostgresDatabase(pulumi.ComponentResource):
    """The primary instance, its replicas, and what they need: subnets, firewall, parameters, logs."""

    arn: pulumi.Output[str]
    identifier: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    port: pulumi.Output[int]
    master_secret_arn: pulumi.Output[str]
    resource_id: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    replica_endpoints: pulumi.Output[list[str]]

    def __init__(self, name: str, args: PostgresDatabaseArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:data:PostgresDatabase", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tier = args.tier
        tags = tier.tags
        group = tier.security_group(
            name,
            parent=self,
            group_name=f"{args.identifier}-db",
            description=f"PostgreSQL {args.identifier}: {PORT} from the cluster only",
            port=PORT,
            rule_description="PostgreSQL from the EKS cluster",
        )
        subnets = aws.rds.SubnetGroup(
            f"{name}-subnets", name=args.identifier, subnet_ids=tier.subnet_ids, description="isolated data subnets", tags=tags, opts=child
        )
        major = args.engine_version.split(".")[0]
        parameters = aws.rds.ParameterGroup(
            f"{name}-parameters",
            name=f"{args.identifier}-pg{major}",
            family=f"postgres{major}",
            description="TLS only, connection and slow-statement logging",
            parameters=[{"name": k, "value": v, "apply_method": "immediate"} for k, v in PARAMETERS.items()],
            tags=tags,
            opts=child,
        )
        # RDS creates /aws/rds/instance/<id>/<log> itself, unencrypted and kept forever; created first, they are ours.
        log_groups = [
            tier.log_group(f"{name}-log-{log}", parent=self, group_name=f"/aws/rds/instance/{args.identifier}/{log}") for log in LOG_EXPORTS
        ]
        monitoring = aws.iam.Role(
            f"{name}-monitoring",
            name=f"{args.identifier}-monitoring",
            assume_role_policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Principal": {"Service": "monitoring.rds.amazonaws.com"}, "Action": "sts:AssumeRole"}],
                }
            ),
            tags=tags,
            opts=child,
        )
        attachment = aws.iam.RolePolicyAttachment(
            f"{name}-monitoring-policy",
            role=monitoring.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
            opts=child,
        )
        common = SharedInstanceSettings(
            instance_class=args.instance_class,
            port=PORT,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            publicly_accessible=False,
            vpc_security_group_ids=[group.id],
            parameter_group_name=parameters.name,
            iam_database_authentication_enabled=True,
            performance_insights_enabled=True,
            performance_insights_kms_key_id=args.kms_key_arn,
            performance_insights_retention_period=7,
            enabled_cloudwatch_logs_exports=LOG_EXPORTS,
            monitoring_interval=args.monitoring_interval_seconds,
            monitoring_role_arn=monitoring.arn if args.monitoring_interval_seconds else None,
            copy_tags_to_snapshot=True,
            auto_minor_version_upgrade=True,
            deletion_protection=args.production,
        )
        primary = aws.rds.Instance(
            f"{name}-primary",
            identifier=args.identifier,
            engine="postgres",
            engine_version=args.engine_version,
            allocated_storage=args.allocated_storage_gb,
            max_allocated_storage=args.max_allocated_storage_gb,
            multi_az=args.multi_az,
            db_subnet_group_name=subnets.name,
            db_name="app",
            username="platform_admin",
            # RDS generates the password and keeps it in Secrets Manager, encrypted with the database key
            # and rotated; it never appears in config, state, outputs or the plan.
            manage_master_user_password=True,
            master_user_secret_kms_key_id=args.kms_key_arn,
            # Automated backups are what point-in-time recovery restores from (to any second in the window).
            backup_retention_period=args.backup_retention_days,
            backup_window="02:00-03:00",
            maintenance_window="sun:04:00-sun:05:00",
            delete_automated_backups=not args.production,
            skip_final_snapshot=not args.production,
            final_snapshot_identifier=f"{args.identifier}-final" if args.production else None,
            tags={**tags, **args.backup_tags},
            **common,
            opts=pulumi.ResourceOptions(parent=self, protect=args.production, depends_on=[*log_groups, attachment]),
        )
        replicas = [
            aws.rds.Instance(
                f"{name}-replica-{index + 1}",
                identifier=f"{args.identifier}-replica-{index + 1}",
                # Same region: the source is named by identifier; the replica inherits engine, subnets, credentials.
                replicate_source_db=primary.identifier,
                skip_final_snapshot=True,  # RDS takes no final snapshot of a replica
                tags=tags,
                **common,
                opts=child,
            )
            for index in range(args.read_replicas)
        ]

        self.arn = primary.arn
        self.identifier = primary.identifier
        self.resource_id = primary.resource_id
        self.endpoint = primary.address
        self.port = primary.port
        self.master_secret_arn = primary.master_user_secrets.apply(lambda s: (s[0].secret_arn or "") if s else "")
        self.security_group_id = group.id
        self.replica_endpoints = pulumi.Output.all(*[r.address for r in replicas]).apply(list)
        self.register_outputs(
            {
                "arn": self.arn,
                "identifier": self.identifier,
                "resource_id": self.resource_id,
                "endpoint": self.endpoint,
                "port": self.port,
                "master_secret_arn": self.master_secret_arn,
                "security_group_id": self.security_group_id,
                "replica_endpoints": self.replica_endpoints,
            }
        )
