"""The primary PostgreSQL's copy in the DR region: a cross-region read replica and replicated automated backups."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class DrDatabaseReplicaArgs:
    name_prefix: str  # f"{organisation}-{environment}-dr"
    source_db_arn: pulumi.Input[str]  # the primary instance's ARN (data layer): cross-region sources are named by ARN
    kms_key_arn: pulumi.Input[str]  # the DR database key: a cross-region replica must be encrypted with a key of its region
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]  # the DR VPC's isolated (data) subnets
    security_group_id: pulumi.Input[str]  # the DR VPC's data tier: PostgreSQL from the app tier only
    engine_major: str  # "16": the parameter group family of the source
    instance_class: str
    max_allocated_storage_gb: int
    backup_retention_days: int  # >= 7, for the replicated automated backups and the promoted replica
    tags: dict[str, str]
    create_replica: bool = True  # False: only automated backups are replicated (RPO of the last backup)
    multi_az: bool = True  # the primary's: a promoted replica must survive a zone's loss as the primary does
    monitoring_interval_seconds: int = 60  # enhanced monitoring, as on the primary
    deletion_protection: bool = False
    protect: bool = False


class DrDatabaseReplica(pulumi.ComponentResource):
    """Everything here lives in the DR region: the caller passes the DR provider in opts."""

    replica_arn: pulumi.Output[str] | None
    replica_identifier: pulumi.Output[str] | None
    backups_replication_id: pulumi.Output[str]

    def __init__(self, name: str, args: DrDatabaseReplicaArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:dr:DrDatabaseReplica", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Point-in-time restore in the DR region, even without a replica or if the replica lags: RDS copies
        # the primary's snapshots and transaction logs, re-encrypted with the DR key. Created in the destination region.
        backups = aws.rds.InstanceAutomatedBackupsReplication(
            f"{name}-backups",
            source_db_instance_arn=args.source_db_arn,
            kms_key_id=args.kms_key_arn,
            retention_period=args.backup_retention_days,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.backups_replication_id = backups.id
        self.replica_arn = None
        self.replica_identifier = None
        if args.create_replica:
            replica = self._replica(name, args, child)
            self.replica_arn = replica.arn
            self.replica_identifier = replica.identifier
        self.register_outputs({
            "backups_replication_id": self.backups_replication_id,
            "replica_arn": self.replica_arn,
            "replica_identifier": self.replica_identifier,
        })

    def _replica(self, name: str, args: DrDatabaseReplicaArgs, child: pulumi.ResourceOptions) -> aws.rds.Instance:
        subnets = aws.rds.SubnetGroup(
            f"{name}-subnets", name=f"{args.name_prefix}-postgres", subnet_ids=args.subnet_ids, tags=args.tags, opts=child
        )
        parameters = aws.rds.ParameterGroup(
            f"{name}-params",
            name=f"{args.name_prefix}-postgres{args.engine_major}",
            family=f"postgres{args.engine_major}",
            description="DR replica: TLS forced, as on the primary",
            parameters=[{"name": "rds.force_ssl", "value": "1"}],
            tags=args.tags,
            opts=child,
        )
        monitoring = aws.iam.Role(
            f"{name}-monitoring",
            name=f"{args.name_prefix}-postgres-monitoring",
            assume_role_policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "monitoring.rds.amazonaws.com"}, "Action": "sts:AssumeRole"}],
            }),
            tags=args.tags,
            opts=child,
        )
        attachment = aws.iam.RolePolicyAttachment(
            f"{name}-monitoring-policy",
            role=monitoring.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
            opts=child,
        )
        return aws.rds.Instance(
            f"{name}-replica",
            identifier=f"{args.name_prefix}-postgres-replica",
            replicate_source_db=args.source_db_arn,
            instance_class=args.instance_class,
            storage_type="gp3",
            max_allocated_storage=args.max_allocated_storage_gb,
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            publicly_accessible=False,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[args.security_group_id],
            parameter_group_name=parameters.name,
            iam_database_authentication_enabled=True,
            multi_az=args.multi_az,
            monitoring_interval=args.monitoring_interval_seconds,
            monitoring_role_arn=monitoring.arn if args.monitoring_interval_seconds else None,
            performance_insights_enabled=True,
            performance_insights_kms_key_id=args.kms_key_arn,
            performance_insights_retention_period=7,
            enabled_cloudwatch_logs_exports=["postgresql", "upgrade"],
            # Backups on the replica make a promoted replica a complete primary from its first minute.
            backup_retention_period=args.backup_retention_days,
            copy_tags_to_snapshot=True,
            auto_minor_version_upgrade=True,
            deletion_protection=args.deletion_protection,
            skip_final_snapshot=True,  # a replica has the primary and the replicated backups behind it
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, depends_on=[attachment]),
        )
