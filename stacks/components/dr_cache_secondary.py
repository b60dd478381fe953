"""Redis in the DR region as a global datastore secondary, for a cache that cannot be rebuilt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class DrCacheSecondaryArgs:
    name_prefix: str
    primary_replication_group_id: pulumi.Input[str]  # the data layer's replication group
    dr_provider: aws.Provider  # the secondary lives in the DR region; the global datastore does not
    kms_key_arn: pulumi.Input[str]  # the DR cache key
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]  # DR isolated (data) subnets
    security_group_id: pulumi.Input[str]  # the DR VPC's data tier: Redis from the app tier only
    cluster_mode: bool
    replicas_per_shard: int
    tags: dict[str, str]


class DrCacheSecondary(pulumi.ComponentResource):
    """The global datastore is a primary-side resource: AWS creates it FROM the primary replication group,
    in the primary's region, and the data layer is its natural owner. It is declared here, through the
    default (primary) provider, because only DR needs it and data exports no global datastore id; moving
    it to data means exporting that id and reading it here instead. The secondary replication group goes
    through the DR provider passed explicitly in its opts.
    """

    global_datastore_id: pulumi.Output[str]
    replication_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: DrCacheSecondaryArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:dr:DrCacheSecondary", name, None, opts)
        datastore = aws.elasticache.GlobalReplicationGroup(
            f"{name}-global",
            global_replication_group_id_suffix=f"{args.name_prefix}-redis",
            global_replication_group_description="Primary Redis with its passive copy in the DR region",
            primary_replication_group_id=args.primary_replication_group_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        # Explicit DR provider: these children are in the DR region, their parent component is not.
        in_dr = pulumi.ResourceOptions(parent=self, provider=args.dr_provider)
        subnets = aws.elasticache.SubnetGroup(
            f"{name}-subnets", name=f"{args.name_prefix}-redis", subnet_ids=args.subnet_ids, tags=args.tags, opts=in_dr
        )
        replicas = max(1, args.replicas_per_shard)  # Multi-AZ failover in the DR region needs a replica
        secondary = aws.elasticache.ReplicationGroup(
            f"{name}-secondary",
            replication_group_id=f"{args.name_prefix}-redis",
            description="Global datastore secondary: promoted on failover",
            # Engine, version, node type and shard count are the global datastore's; they cannot be set here.
            global_replication_group_id=datastore.global_replication_group_id,
            at_rest_encryption_enabled=True,
            kms_key_id=args.kms_key_arn,
            transit_encryption_enabled=True,
            automatic_failover_enabled=True,
            multi_az_enabled=True,
            subnet_group_name=subnets.name,
            security_group_ids=[args.security_group_id],
            tags=args.tags,
            opts=in_dr,
            replicas_per_node_group=replicas if args.cluster_mode else None,
            num_cache_clusters=None if args.cluster_mode else 1 + replicas,
        )
        self.global_datastore_id = datastore.global_replication_group_id
        self.replication_group_id = secondary.replication_group_id
        self.register_outputs({"global_datastore_id": self.global_datastore_id, "replication_group_id": self.replication_group_id})
