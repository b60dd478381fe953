"""Data residency: data lives in the primary and DR regions named in platform.yaml, and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from platformctl.policies.inputs import get, of_types, references
from platformctl.policies.model import Control, Outcome, PolicyContext, ResourceView, Rule, Severity

_RESIDENCY = Control.DATA_RESIDENCY
_DATA_TYPES = ("aws:s3/bucket:Bucket", "aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup",
               "aws:opensearch/domain:Domain", "aws:backup/vault:Vault", "aws:sqs/queue:Queue", "aws:secretsmanager/secret:Secret",
               "aws:cloudwatch/logGroup:LogGroup")


# AWS delivers CloudFront-scope WAF logs and Route53 query logs only to CloudWatch Logs in us-east-1: the one
# place outside the platform's regions where data (client IPs, queried names) may be kept. Disclosed in the report.
_GLOBAL_LOG_REGION = "us-east-1"
_GLOBAL_LOG_GROUPS = ("aws-waf-logs-", "/aws/route53/")


def _global_edge_log(resource: ResourceView) -> bool:
    return (resource.region == _GLOBAL_LOG_REGION and resource.type == "aws:cloudwatch/logGroup:LogGroup"
            and str(resource.inputs.get("name", "")).startswith(_GLOBAL_LOG_GROUPS))


def _regions(resources: Sequence[ResourceView], context: PolicyContext) -> Iterable[Outcome]:
    allowed = {context.primary_region, context.dr_region}
    for resource in resources:
        if resource.type not in _DATA_TYPES or resource.region is None or _global_edge_log(resource):
            continue
        yield resource, None if resource.region in allowed else f"keeps data in {resource.region}, outside {' and '.join(sorted(allowed))}"


def _replication_destinations(resources: Sequence[ResourceView], context: PolicyContext) -> Iterable[Outcome]:
    by_name = {r.name: r for r in resources}
    for config in of_types(resources, "aws:s3/bucketReplicationConfig:BucketReplicationConfig"):
        regions = {by_name[n].region for rule in config.inputs.get("rules") or [] for n in references(get(rule, "destination.bucket")) if n in by_name}
        stray = regions - {context.dr_region}
        yield config, f"replicates to {', '.join(sorted(str(r) for r in stray))}, not the DR region" if stray else None


RULES = (
    Rule("RES-001", "Data stores live in the primary or DR region", _RESIDENCY, Severity.MANDATORY, _DATA_TYPES,
         "Create the resource with the primary provider, or the DR provider for DR copies.", check_stack=_regions),
    Rule("RES-002", "Buckets replicate only to the DR region", _RESIDENCY, Severity.MANDATORY,
         ("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "aws:s3/bucket:Bucket"),
         "Point replication rules at the dr layer's buckets.", check_stack=_replication_destinations, production_only=True),
)
