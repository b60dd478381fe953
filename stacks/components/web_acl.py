"""A WAFv2 web ACL: AWS managed rule groups plus a per-IP rate limit, for CloudFront or a regional ALB."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws

# Evaluated in this order: cheap reputation drop first, then the rate limit, then request inspection.
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
)
RATE_WINDOW_SECONDS = 300


@dataclass
class WebAclArgs:
    acl_name: str  # physical name, e.g. acme-prod-cloudfront
    scope: Literal["CLOUDFRONT", "REGIONAL"]
    rate_limit_per_ip: int  # requests per IP per RATE_WINDOW_SECONDS
    tags: dict[str, str] = field(default_factory=dict)
    # Where WAF logs its decisions (CKV2_AWS_31): a KMS key of the ACL's region for the log group; None: no logging.
    log_kms_key_arn: pulumi.Input[str] | None = None
    log_retention_days: int = 365


def _visibility(metric: str) -> aws.wafv2.WebAclVisibilityConfigArgsDict:
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}


def _rules(args: WebAclArgs) -> list[aws.wafv2.WebAclRuleArgsDict]:
    rules: list[aws.wafv2.WebAclRuleArgsDict] = [
        {
            "name": "ip-reputation",
            "priority": 0,
            "override_action": {"none": {}},
            "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": MANAGED_RULE_GROUPS[0]}},
            "visibility_config": _visibility(f"{args.acl_name}-ip-reputation"),
        },
        {
            "name": "rate-limit-per-ip",
            "priority": 1,
            "action": {"block": {}},
            "statement": {
                "rate_based_statement": {
                    "limit": args.rate_limit_per_ip,
                    "aggregate_key_type": "IP",
                    "evaluation_window_sec": RATE_WINDOW_SECONDS,
                }
            },
            "visibility_config": _visibility(f"{args.acl_name}-rate-limit"),
        },
    ]
    for priority, group in enumerate(MANAGED_RULE_GROUPS[1:], start=2):
        rules.append(
            {
                "name": group,
                "priority": priority,
                "override_action": {"none": {}},  # keep each group's own block actions
                "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": group}},
                "visibility_config": _visibility(f"{args.acl_name}-{group}"),
            }
        )
    return rules


class WebAcl(pulumi.ComponentResource):
    """One web ACL. CLOUDFRONT scope only exists in us-east-1: pass that region's provider in opts."""

    arn: pulumi.Output[str]

    def __init__(self, name: str, args: WebAclArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:edge:WebAcl", name, None, opts)
        acl = aws.wafv2.WebAcl(
            f"{name}-acl",
            name=args.acl_name,
            scope=args.scope,
            description=f"{args.scope} web ACL: AWS managed rules and a per-IP rate limit",
            default_action={"allow": {}},
            rules=_rules(args),
            visibility_config=_visibility(args.acl_name),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = acl.arn
        self.log_group_name: pulumi.Output[str] | None = None
        if args.log_kms_key_arn is not None:
            # WAF delivers only to log groups named aws-waf-logs-*, in the ACL's own region.
            group = aws.cloudwatch.LogGroup(
                f"{name}-logs",
                name=f"aws-waf-logs-{args.acl_name}",
                retention_in_days=args.log_retention_days,
                kms_key_id=args.log_kms_key_arn,
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            aws.wafv2.WebAclLoggingConfiguration(
                f"{name}-logging",
                resource_arn=acl.arn,
                log_destination_configs=[group.arn],
                # Credentials and session tokens never reach the logs.
                redacted_fields=[{"single_header": {"name": "authorization"}}, {"single_header": {"name": "cookie"}}],
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.log_group_name = group.name
        self.register_outputs({"arn": self.arn, "log_group_name": self.log_group_name})
