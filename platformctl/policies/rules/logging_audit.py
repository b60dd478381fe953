"""Logging and audit: control-plane, network, access and query logs exist and are kept a year in production."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from platformctl.policies.inputs import number, of_types, references, target_of
from platformctl.policies.model import Control, Outcome, PolicyContext, ResourceView, Rule, Severity

_LOGGING = Control.LOGGING_AND_AUDIT
_EKS_LOG_TYPES = {"api", "audit", "authenticator", "controllerManager", "scheduler"}
# SOC 2 and HIPAA audits look back a year; the data layer keeps its logs 365 days, so must everything else.
RETENTION_DAYS = 365
BUCKET = "aws:s3/bucket:Bucket"


def _eks_logs(_: str, inputs: Mapping[str, Any]) -> str | None:
    missing = _EKS_LOG_TYPES - set(inputs.get("enabledClusterLogTypes") or [])
    return f"control-plane log types off: {', '.join(sorted(missing))}" if missing else None


def _vpc_flow_logs(resources: Sequence[ResourceView], _: PolicyContext) -> Iterable[Outcome]:
    logged = {n for f in of_types(resources, "aws:ec2/flowLog:FlowLog") if f.inputs.get("trafficType") == "ALL" for n in references(f.inputs.get("vpcId"))}
    for vpc in of_types(resources, "aws:ec2/vpc:Vpc"):
        yield vpc, None if vpc.name in logged else "has no flow log of ALL traffic"


def _retention(_: str, inputs: Mapping[str, Any]) -> str | None:
    days = number(inputs.get("retentionInDays"))
    if days == 0:
        return None  # unset or 0: CloudWatch keeps the events forever
    return None if days >= RETENTION_DAYS else f"logs are kept {days:g} days, under {RETENTION_DAYS}"


def _bucket_access_logging(resources: Sequence[ResourceView], _: PolicyContext) -> Iterable[Outcome]:
    buckets = list(of_types(resources, BUCKET))
    logged = {t.name for c in of_types(resources, "aws:s3/bucketLogging:BucketLogging") if (t := target_of(c, "bucket", buckets, "bucket"))}
    for bucket in buckets:
        if (bucket.inputs.get("tags") or {}).get("purpose") == "access-logs":
            continue  # a log bucket logging to itself would loop
        yield bucket, None if bucket.name in logged else "has no server access logging"


def _rds_logs(_: str, inputs: Mapping[str, Any]) -> str | None:
    return None if "postgresql" in (inputs.get("enabledCloudwatchLogsExports") or []) else "PostgreSQL logs are not exported to CloudWatch"


def _search_audit_logs(_: str, inputs: Mapping[str, Any]) -> str | None:
    enabled = {o.get("logType") for o in inputs.get("logPublishingOptions") or [] if o.get("enabled", True)}
    return None if "AUDIT_LOGS" in enabled else "audit logs are not published"


def _cdn_access_logs(resources: Sequence[ResourceView], _: PolicyContext) -> Iterable[Outcome]:
    sources = {n for s in of_types(resources, "aws:cloudwatch/logDeliverySource:LogDeliverySource") for n in references(s.inputs.get("resourceArn"))}
    for distribution in of_types(resources, "aws:cloudfront/distribution:Distribution"):
        legacy = bool(distribution.inputs.get("loggingConfig"))
        yield distribution, None if legacy or distribution.name in sources else "has no access logging"


def _waf_logging(resources: Sequence[ResourceView], _: PolicyContext) -> Iterable[Outcome]:
    configs = of_types(resources, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
    logged = {n for c in configs for n in references(c.inputs.get("resourceArn"))}
    for acl in of_types(resources, "aws:wafv2/webAcl:WebAcl"):
        yield acl, None if acl.name in logged else "has no logging configuration"


def _query_logging(resources: Sequence[ResourceView], _: PolicyContext) -> Iterable[Outcome]:
    logged = {n for c in of_types(resources, "aws:route53/queryLog:QueryLog") for n in references(c.inputs.get("zoneId"))}
    for zone in of_types(resources, "aws:route53/zone:Zone"):
        if zone.inputs.get("vpcs"):
            continue  # private zones log through Resolver query logging, not this
        yield zone, None if zone.name in logged else "has no DNS query logging"


def _monitoring(_: str, inputs: Mapping[str, Any]) -> str | None:
    return None if number(inputs.get("monitoringInterval")) > 0 else "enhanced monitoring is off"


RULES = (
    Rule("LOG-001", "EKS control-plane logs are all on", _LOGGING, Severity.MANDATORY, ("aws:eks/cluster:Cluster",),
         "Enable api, audit, authenticator, controllerManager and scheduler logs.", check=_eks_logs, checkov=("CKV_AWS_37",)),
    Rule("LOG-002", "Every VPC has flow logs", _LOGGING, Severity.MANDATORY, ("aws:ec2/vpc:Vpc", "aws:ec2/flowLog:FlowLog"),
         "Attach a FlowLog of trafficType ALL to the VPC.", check_stack=_vpc_flow_logs, checkov=("CKV2_AWS_11",)),
    Rule("LOG-003", "Production logs are kept a year", _LOGGING, Severity.MANDATORY, ("aws:cloudwatch/logGroup:LogGroup",),
         "Set retentionInDays to 365 or more.", check=_retention, production_only=True, checkov=("CKV_AWS_338",)),
    Rule("LOG-004", "S3 buckets log access", _LOGGING, Severity.MANDATORY, (BUCKET, "aws:s3/bucketLogging:BucketLogging"),
         "Add a BucketLogging to the region's access-logs bucket.", check_stack=_bucket_access_logging, checkov=("CKV_AWS_18",)),
    Rule("LOG-005", "PostgreSQL logs go to CloudWatch", _LOGGING, Severity.MANDATORY, ("aws:rds/instance:Instance",),
         "Set enabledCloudwatchLogsExports to include postgresql.", check=_rds_logs, checkov=("CKV_AWS_129",)),
    Rule("LOG-006", "OpenSearch publishes audit logs", _LOGGING, Severity.MANDATORY, ("aws:opensearch/domain:Domain",),
         "Publish AUDIT_LOGS to a CloudWatch log group.", check=_search_audit_logs, checkov=("CKV_AWS_317",)),
    Rule("LOG-007", "CloudFront logs access", _LOGGING, Severity.MANDATORY,
         ("aws:cloudfront/distribution:Distribution", "aws:cloudwatch/logDeliverySource:LogDeliverySource"),
         "Deliver the distribution's ACCESS_LOGS to the access-logs bucket.", check_stack=_cdn_access_logs, checkov=("CKV_AWS_86",)),
    Rule("LOG-008", "Web ACLs log their decisions", _LOGGING, Severity.MANDATORY,
         ("aws:wafv2/webAcl:WebAcl", "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"),
         "Add a WebAclLoggingConfiguration to an aws-waf-logs-* log group.", check_stack=_waf_logging, checkov=("CKV2_AWS_31",)),
    Rule("LOG-009", "Public hosted zones log DNS queries", _LOGGING, Severity.MANDATORY, ("aws:route53/zone:Zone", "aws:route53/queryLog:QueryLog"),
         "Add a Route53 QueryLog to a /aws/route53/* log group in us-east-1.", check_stack=_query_logging, checkov=("CKV2_AWS_39",)),
    Rule("LOG-010", "Databases have enhanced monitoring", _LOGGING, Severity.MANDATORY, ("aws:rds/instance:Instance",),
         "Set monitoringInterval (60) and a monitoringRoleArn.", check=_monitoring, checkov=("CKV_AWS_118",)),
)
