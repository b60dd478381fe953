"""Disaster recovery: everything in the primary region has a copy in the DR region within the RPO and RTO."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from platformctl.policies.inputs import get, is_true, number, of_types, references, target_of
from platformctl.policies.model import Control, Outcome, PolicyContext, ResourceView, Rule, Severity

_DR = Control.DISASTER_RECOVERY
DATABASE = "aws:rds/instance:Instance"
BUCKET = "aws:s3/bucket:Bucket"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
BACKUP_PLAN = "aws:backup/plan:Plan"
VAULT = "aws:backup/vault:Vault"
RECORD = "aws:route53/record:Record"
CLUSTER = "aws:eks/cluster:Cluster"
# A day: the age of the freshest copy when only the daily backup reaches the DR region.
_DAILY_MINUTES = 24 * 60
# Scaling a pilot-light cluster and promoting a replica takes about this long; an RTO below it cannot be met.
_FAILOVER_MINUTES = 30


def _primary_databases(resources: Sequence[ResourceView], context: PolicyContext) -> list[ResourceView]:
    return [d for d in of_types(resources, DATABASE) if d.region == context.primary_region and not d.inputs.get("replicateSourceDb")]


def _dr_replicas(resources: Sequence[ResourceView], context: PolicyContext) -> list[ResourceView]:
    return [d for d in of_types(resources, DATABASE) if d.region == context.dr_region and d.inputs.get("replicateSourceDb")]


def _replica_of(primary: ResourceView, replicas: Sequence[ResourceView]) -> ResourceView | None:
    for replica in replicas:
        source = replica.inputs.get("replicateSourceDb")
        if primary.name in references(source) or source == primary.inputs.get("identifier"):
            return replica
    return None


def _database_replicas(resources: Sequence[ResourceView], context: PolicyContext) -> Iterable[Outcome]:
    replicas = _dr_replicas(resources, context)
    for primary in _primary_databases(resources, context):
        found = _replica_of(primary, replicas)
        yield primary, None if found else f"has no read replica in the DR region {context.dr_region}"


def _primary_buckets(resources: Sequence[ResourceView], context: PolicyContext) -> list[ResourceView]:
    # Access logs stay where they were written: they are evidence of the primary region, not data to recover.
    return [
        b for b in of_types(resources, BUCKET)
        if b.region == context.primary_region and (b.inputs.get("tags") or {}).get("purpose") != "access-logs"
    ]


def _replications(resources: Sequence[ResourceView], context: PolicyContext) -> dict[str, ResourceView]:
    buckets = list(of_types(resources, BUCKET))
    found: dict[str, ResourceView] = {}
    for config in of_types(resources, REPLICATION):
        source = target_of(config, "bucket", buckets, "bucket")
        if source is not None:
            found[source.name] = config
    return found


def _bucket_replication(resources: Sequence[ResourceView], context: PolicyContext) -> Iterable[Outcome]:
    buckets = {b.name: b for b in of_types(resources, BUCKET)}
    replications = _replications(resources, context)
    for bucket in _primary_buckets(resources, context):
        config = replications.get(bucket.name)
        if config is None:
            yield bucket, "does not replicate to the DR region"
            continue
        targets = [buckets[n] for rule in config.inputs.get("rules") or [] for n in references(get(rule, "destination.bucket")) if n in buckets]
        if not any(t.region == context.dr_region for t in targets):
            yield bucket, f"replicates, but not to a bucket in the DR region {context.dr_region}"
        else:
            yield bucket, None


def _to_dr(vault_arn: object, vaults: dict[str, ResourceView], context: PolicyContext) -> bool:
    return any(vaults[n].region == context.dr_region for n in references(vault_arn) if n in vaults)


def _backup_copies(resources: Sequence[ResourceView], context: PolicyContext) -> Iterable[Outcome]:
    vaults = {v.name: v for v in of_types(resources, VAULT)}
    for plan in of_types(resources, BACKUP_PLAN):
        problem = None
        for rule in plan.inputs.get("rules") or []:
            copies = [c for c in rule.get("copyActions") or [] if _to_dr(c.get("destinationVaultArn"), vaults, context)]
            if not copies:
                problem = f"rule {rule.get('ruleName')!r} copies no recovery point to a vault in the DR region"
            elif min(number(get(c, "lifecycle.deleteAfter")) for c in copies) < 30:
                problem = f"rule {rule.get('ruleName')!r} keeps its DR copies under 30 days"
        yield plan, problem


def _failover_dns(resources: Sequence[ResourceView], context: PolicyContext) -> Iterable[Outcome]:
    records = list(of_types(resources, RECORD))
    kinds: dict[str, dict[str, ResourceView]] = {}
    for record in records:
        kind = get(record.inputs, "failoverRoutingPolicies.type")
        if kind:
            kinds.setdefault(str(record.inputs.get("name")), {})[kind] = record
    zones = list(of_types(resources, "aws:route53/zone:Zone"))
    if not kinds:
        subject = zones[0] if zones else (records[0] if records else None)
        if subject is not None:
            yield subject, "no Route53 failover pair (PRIMARY and SECONDARY records) points at the DR region"
        return
    for name, pair in kinds.items():
        primary = pair.get("PRIMARY")
        if primary is None or "SECONDARY" not in pair:
            yield next(iter(pair.values())), f"{name} has no complete PRIMARY/SECONDARY failover pair"
        elif not primary.inputs.get("healthCheckId"):
            yield primary, f"the PRIMARY record of {name} has no health check, so it never fails over"
        else:
            yield primary, None


def _rpo(resources: Sequence[ResourceView], context: PolicyContext) -> Iterable[Outcome]:
    rpo = context.rpo_minutes
    replicas = _dr_replicas(resources, context)
    for primary in _primary_databases(resources, context):
        # Asynchronous replication lags seconds; without it the DR copy is the last daily backup copy.
        lag = 1 if _replica_of(primary, replicas) else _DAILY_MINUTES
        yield primary, None if lag <= rpo else f"its DR copy can be {lag} minutes old, over the RPO of {rpo} minutes"
    replications = _replications(resources, context)
    for bucket in _primary_buckets(resources, context):
        config = replications.get(bucket.name)
        bound = _DAILY_MINUTES
        for rule in (config.inputs.get("rules") or []) if config else []:
            if get(rule, "destination.replicationTime.status") == "Enabled":
                bound = int(number(get(rule, "destination.replicationTime.time.minutes"), _DAILY_MINUTES))
        yield bucket, None if bound <= rpo else f"replication is bounded by {bound} minutes, over the RPO of {rpo} minutes"


def _rto(resources: Sequence[ResourceView], context: PolicyContext) -> Iterable[Outcome]:
    clusters = list(of_types(resources, CLUSTER))
    standby = [c for c in clusters if c.region == context.dr_region]
    subject = standby[0] if standby else (clusters[0] if clusters else None)
    if subject is None:
        return
    if not standby:
        yield subject, "there is no pilot-light cluster in the DR region to fail over to"
    elif context.rto_minutes < _FAILOVER_MINUTES:
        yield subject, f"an RTO of {context.rto_minutes} minutes is shorter than scaling the pilot light and promoting the replica"
    else:
        yield subject, None


def _complete_replica(resources: Sequence[ResourceView], context: PolicyContext) -> Iterable[Outcome]:
    for replica in _dr_replicas(resources, context):
        missing = [what for what, ok in (("Multi-AZ", is_true(replica.inputs.get("multiAz"))),
                                         ("enhanced monitoring", number(replica.inputs.get("monitoringInterval")) > 0)) if not ok]
        yield replica, f"a promoted replica would lack {' and '.join(missing)}" if missing else None


def _cdn_failover(resources: Sequence[ResourceView], context: PolicyContext) -> Iterable[Outcome]:
    for distribution in of_types(resources, "aws:cloudfront/distribution:Distribution"):
        origins = {o.get("originId"): str(o.get("domainName", "")) for o in distribution.inputs.get("origins") or []}
        target = get(distribution.inputs, "defaultCacheBehavior.targetOriginId")
        groups = {g.get("originId"): [m.get("originId") for m in g.get("members") or []] for g in distribution.inputs.get("originGroups") or []}
        members = groups.get(target, [])
        in_dr = [m for m in members if f".{context.dr_region}." in origins.get(m, "")]
        yield distribution, None if in_dr else "serves from one region: no origin group falls back to the DR region's copy"


_TYPES_DB = (DATABASE,)
RULES = (
    Rule("DR-001", "Every production database has a replica in the DR region", _DR, Severity.MANDATORY, _TYPES_DB,
         "Enable dr.database_replica so the dr layer creates a cross-region read replica.", check_stack=_database_replicas,
         production_only=True),
    Rule("DR-002", "Every primary bucket replicates to the DR region", _DR, Severity.MANDATORY, (BUCKET, REPLICATION),
         "Add a BucketReplicationConfig to a DR bucket (the dr layer's DrBucketReplication).", check_stack=_bucket_replication,
         production_only=True, checkov=("CKV_AWS_144",)),
    Rule("DR-003", "Backups are copied to the DR region and kept 30 days there", _DR, Severity.MANDATORY, (BACKUP_PLAN, VAULT),
         "Give every backup rule a copyAction to the DR vault with lifecycle.deleteAfter >= 30 (backup.copy_to_dr).",
         check_stack=_backup_copies, production_only=True),
    Rule("DR-004", "Route53 has a health-checked failover pair", _DR, Severity.MANDATORY, (RECORD, "aws:route53/zone:Zone"),
         "Create PRIMARY and SECONDARY failover records for the API name, the PRIMARY with a health check.",
         check_stack=_failover_dns, production_only=True),
    Rule("DR-005", "Replication meets the RPO in platform.yaml", _DR, Severity.MANDATORY, (DATABASE, BUCKET, REPLICATION),
         "Replicate continuously (database replica, S3 Replication Time Control) or raise dr.rpo_minutes.",
         check_stack=_rpo, production_only=True),
    Rule("DR-006", "A standby in the DR region meets the RTO in platform.yaml", _DR, Severity.MANDATORY, (CLUSTER,),
         "Keep the pilot-light cluster in the DR region, or raise dr.rto_minutes to 30 or more.", check_stack=_rto, production_only=True),
    Rule("DR-007", "The DR database replica could serve as a complete primary", _DR, Severity.MANDATORY, _TYPES_DB,
         "Make the DR replica Multi-AZ with enhanced monitoring, like the primary.", check_stack=_complete_replica,
         production_only=True, checkov=("CKV_AWS_157", "CKV_AWS_118")),
    Rule("DR-008", "CloudFront falls back to the DR region's copy of the assets", _DR, Severity.MANDATORY,
         ("aws:cloudfront/distribution:Distribution",),
         "Give the distribution an origin group of the primary bucket and its DR replica, and target the group.",
         check_stack=_cdn_failover, production_only=True, checkov=("CKV_AWS_310",)),
)
