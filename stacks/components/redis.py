"""ElastiCache Redis: encrypted at rest and in transit, IAM-authenticated users, Multi-AZ, snapshots."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.components.data_tier import DataTier

PORT = 6379


@dataclass
class RedisCacheArgs:
    group_id: str  # physical name, f"{organisation}-{environment}-redis" (at most 40 characters)
    engine_version: str  # 7.x: IAM authentication needs Redis 7 or later
    node_type: str
    cluster_mode: bool
    shards: int
    replicas_per_shard: int
    snapshot_retention_days: int
    kms_key_arn: pulumi.Input[str]  # the cache key
    tier: DataTier  # isolated subnets; clients admitted on 6379 only


class RedisCache(pulumi.ComponentResource):
    """A replication group whose only way in is TLS plus an IAM-authenticated RBAC user.

    Authentication is RBAC with `authentication_mode: iam`: clients sign a short-lived token with their
    IAM role (elasticache:Connect), so no AUTH token or password exists anywhere - not in config, state,
    Secrets Manager or the plan. The Secrets Manager secret this component creates holds only the
    connection details (user name, endpoint, port), so services find Redis the way they find the database.
    """

    replication_group_id: pulumi.Output[str]
    primary_endpoint: pulumi.Output[str]
    configuration_endpoint: pulumi.Output[str]
    connection_secret_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    app_user_id: pulumi.Output[str]

    def __init__(self, name: str, args: RedisCacheArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:data:RedisCache", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tier = args.tier
        tags = tier.tags
        group = tier.security_group(
            name,
            parent=self,
            group_name=f"{args.group_id}-cache",
            description=f"Redis {args.group_id}: {PORT} from the cluster only",
            port=PORT,
            rule_description="Redis from the EKS cluster",
        )
        subnets = aws.elasticache.SubnetGroup(
            f"{name}-subnets", name=args.group_id, subnet_ids=tier.subnet_ids, description="isolated data subnets", tags=tags, opts=child
        )
        major = args.engine_version.split(".")[0]
        parameters = aws.elasticache.ParameterGroup(
            f"{name}-parameters",
            name=f"{args.group_id}-redis{major}",
            family=f"redis{major}",
            description="cluster mode " + ("on" if args.cluster_mode else "off"),
            parameters=[{"name": "cluster-enabled", "value": "yes" if args.cluster_mode else "no"}],
            tags=tags,
            opts=child,
        )
        # Every user group must hold a user named "default"; this one is switched off and can run nothing.
        default_user = aws.elasticache.User(
            f"{name}-default-user",
            user_id=f"{args.group_id}-default",
            user_name="default",
            engine="redis",
            access_string="off -@all",
            authentication_mode={"type": "no-password-required"},
            tags=tags,
            opts=child,
        )
        app_user_id = f"{args.group_id}-app"
        app_user = aws.elasticache.User(
            f"{name}-app-user",
            user_id=app_user_id,
            user_name=app_user_id,  # IAM authentication needs user name == user id
            engine="redis",
            access_string="on ~* +@all -@dangerous",
            authentication_mode={"type": "iam"},
            tags=tags,
            opts=child,
        )
        users = aws.elasticache.UserGroup(
            f"{name}-users", user_group_id=args.group_id, engine="redis", user_ids=[default_user.user_id, app_user.user_id], tags=tags, opts=child
        )
        slow_log = tier.log_group(f"{name}-slow-log", parent=self, group_name=f"/aws/elasticache/{args.group_id}/slow-log")
        failover = args.replicas_per_shard >= 1
        replication_group = aws.elasticache.ReplicationGroup(
            f"{name}-group",
            replication_group_id=args.group_id,
            description=f"Redis of {args.group_id}",
            engine="redis",
            engine_version=args.engine_version,
            node_type=args.node_type,
            port=PORT,
            parameter_group_name=parameters.name,
            subnet_group_name=subnets.name,
            security_group_ids=[group.id],
            at_rest_encryption_enabled=True,
            kms_key_id=args.kms_key_arn,
            transit_encryption_enabled=True,
            transit_encryption_mode="required",
            user_group_ids=[users.user_group_id],
            automatic_failover_enabled=failover,
            multi_az_enabled=failover,
            snapshot_retention_limit=args.snapshot_retention_days,
            snapshot_window="01:00-02:00",
            maintenance_window="sun:05:00-sun:06:00",
            auto_minor_version_upgrade=True,
            log_delivery_configurations=[
                {"destination": slow_log.name, "destination_type": "cloudwatch-logs", "log_format": "json", "log_type": "slow-log"}
            ],
            tags=tags,
            # Cluster mode: shards of a primary and its replicas; otherwise one primary and its replicas.
            cluster_mode="enabled" if args.cluster_mode else "disabled",
            num_node_groups=args.shards if args.cluster_mode else None,
            replicas_per_node_group=args.replicas_per_shard if args.cluster_mode else None,
            num_cache_clusters=None if args.cluster_mode else 1 + args.replicas_per_shard,
            opts=child,
        )
        endpoint = (
            replication_group.configuration_endpoint_address if args.cluster_mode else replication_group.primary_endpoint_address
        )
        secret = aws.secretsmanager.Secret(
            f"{name}-connection",
            name=f"{args.group_id}/connection",
            description="Redis connection details; authentication is IAM, so this holds no password",
            kms_key_id=args.kms_key_arn,
            tags=tags,
            opts=child,
        )
        aws.secretsmanager.SecretVersion(
            f"{name}-connection-value",
            secret_id=secret.id,
            secret_string=pulumi.Output.json_dumps(
                {"username": app_user_id, "auth": "iam", "host": endpoint, "port": PORT, "tls": True, "clusterMode": args.cluster_mode}
            ),
            opts=child,
        )

        self.replication_group_id = replication_group.id
        self.primary_endpoint = endpoint
        self.configuration_endpoint = replication_group.configuration_endpoint_address.apply(lambda v: v or "")
        self.connection_secret_arn = secret.arn
        self.security_group_id = group.id
        self.app_user_id = app_user.user_id
        self.register_outputs(
            {
                "replication_group_id": self.replication_group_id,
                "primary_endpoint": self.primary_endpoint,
                "configuration_endpoint": self.configuration_endpoint,
                "connection_secret_arn": self.connection_secret_arn,
                "security_group_id": self.security_group_id,
                "app_user_id": self.app_user_id,
            }
        )
