"""Pricing rules for network, edge, security and usage-priced services (each usage assumption is stated)."""

from __future__ import annotations

from typing import Any

from platformctl.plan.model import PlanResource
from platformctl.plan.pricing.charges import Charge, RuleContext, money, number

CLOUDFRONT_SCOPE = "CLOUDFRONT"


def vpc_endpoint(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    if r.inputs.get("vpcEndpointType", "Gateway") != "Interface":
        return []  # gateway endpoints (S3, DynamoDB) have no charge
    p, gb = c.prices(region), c.assume.vpc_endpoint_gb_per_endpoint
    azs = max(1, len(r.inputs.get("subnetIds") or []))
    return [
        Charge(f"{azs} AZ × {c.hours:g} h × {money(p.vpc_endpoint_az_hour)}", azs * c.hours * p.vpc_endpoint_az_hour),
        Charge(f"{gb:g} GB × {money(p.vpc_endpoint_gb)}", gb * p.vpc_endpoint_gb, f"{gb:g} GB a month through each interface endpoint"),
    ]


def kms_key(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    price = c.prices(region).kms_key_month
    return [Charge(f"customer managed key {money(price)}/month", price)]


def secret(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    price, copies = c.prices(region).secret_month, 1 + len(r.inputs.get("replicas") or [])
    return [Charge(f"{copies} × secret {money(price)}/month", copies * price)]


def log_group(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p, gb = c.prices(region), c.assume.log_gb_per_group
    days = number(r.inputs.get("retentionInDays"), 0)
    kept_months = min(days / 30, 12) if days else 12  # never-expiring groups: a year's worth counted
    note = f"{gb:g} GB of logs ingested a month into each log group"
    return [
        Charge(f"{gb:g} GB ingested × {money(p.logs_ingest_gb)}", gb * p.logs_ingest_gb, note),
        Charge(f"{gb * kept_months:g} GB stored ({days:g}-day retention) × {money(p.logs_store_gb_month)}", gb * kept_months * p.logs_store_gb_month, note),
    ]


def backup_vault(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p, gb = c.prices(region), c.assume.backup_gb_per_vault
    return [Charge(f"{gb:g} GB recovery points × {money(p.backup_gb_month)}", gb * p.backup_gb_month, f"{gb:g} GB of recovery points in each backup vault")]


def bucket(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p, gb = c.prices(region), c.assume.s3_gb_per_bucket
    return [Charge(f"{gb:g} GB S3 Standard × {money(p.s3_standard_gb_month)}", gb * p.s3_standard_gb_month, f"{gb:g} GB stored in each bucket")]


def bucket_replication(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p, gb = c.prices(region), c.assume.s3_replicated_gb_per_month
    charges = []
    for rule in r.inputs.get("rules") or []:
        per_gb = p.inter_region_gb + (p.s3_rtc_gb if (rule.get("destination") or {}).get("replicationTime") else 0.0)
        label = "with replication time control" if per_gb > p.inter_region_gb else "cross-region"
        charges.append(Charge(f"{gb:g} GB replicated {label} × {money(per_gb)}", gb * per_gb, f"{gb:g} GB of new objects replicated a month per rule"))
    return charges


def queue(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p, millions = c.prices(region), c.assume.sqs_million_requests_per_queue
    note = f"{millions:g} million requests a month per queue"
    return [Charge(f"{millions:g} M requests × {money(p.sqs_million_requests)}", millions * p.sqs_million_requests, note)]


def topic(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p, millions = c.prices(region), c.assume.sns_million_publishes_per_topic
    note = f"{millions:g} million publishes a month per topic"
    return [Charge(f"{millions:g} M publishes × {money(p.sns_million_publishes)}", millions * p.sns_million_publishes, note)]


def email_identity(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p, thousands = c.prices(region), c.assume.ses_thousand_emails
    return [Charge(f"{thousands:g} k emails × {money(p.ses_thousand_emails)}", thousands * p.ses_thousand_emails, f"{thousands * 1000:,.0f} emails a month")]


def user_pool(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p, a = c.prices(region), c.assume
    billed = max(0, a.cognito_mau - a.cognito_free_mau)
    note = f"{a.cognito_mau:,} monthly active users, the first {a.cognito_free_mau:,} free"
    return [Charge(f"{billed:,} MAU × {money(p.cognito_mau)}", billed * p.cognito_mau, note)]


def helm_release(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    """A release costs nothing itself, but two kinds make AWS load balancers outside the plan."""
    p, a = c.prices(region), c.assume
    if r.inputs.get("chart") == "aws-load-balancer-controller":
        count, lcu = a.alb_count_per_controller, a.alb_average_lcu
        note = f"{count} shared ALB for the cluster's Ingresses at {lcu:g} LCU on average"
        return [Charge(f"{count} ALB × {c.hours:g} h × ({money(p.alb_hour)} + {lcu:g} LCU × {money(p.alb_lcu_hour)})",
                       count * c.hours * (p.alb_hour + lcu * p.alb_lcu_hour), note)]
    if _asks_for_nlb(r.inputs.get("values")):
        lcu = a.nlb_average_lcu
        return [Charge(f"1 NLB × {c.hours:g} h × ({money(p.nlb_hour)} + {lcu:g} NLCU × {money(p.nlb_lcu_hour)})",
                       c.hours * (p.nlb_hour + lcu * p.nlb_lcu_hour), f"{lcu:g} NLCU on average for the release's LoadBalancer service")]
    return []


def _asks_for_nlb(values: Any) -> bool:
    """A LoadBalancer Service annotated for the AWS Load Balancer Controller becomes an NLB."""
    if isinstance(values, dict):
        annotations = values.get("annotations") or {}
        if values.get("type") == "LoadBalancer" and isinstance(annotations, dict) and any("aws-load-balancer-type" in k for k in annotations):
            return True
        return any(_asks_for_nlb(v) for v in values.values())
    return False


def cloudfront(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    g, a = c.world, c.assume
    note = f"{a.cloudfront_gb_out:g} GB and {a.cloudfront_million_requests:g} million HTTPS requests a month through CloudFront"
    return [
        Charge(f"{a.cloudfront_gb_out:g} GB out × {money(g.cloudfront_gb_out)}", a.cloudfront_gb_out * g.cloudfront_gb_out, note),
        Charge(f"{a.cloudfront_million_requests:g} M requests × {money(g.cloudfront_10k_https_requests)}/10k",
               a.cloudfront_million_requests * 100 * g.cloudfront_10k_https_requests, note),
    ]


def web_acl(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    g, millions = c.world, c.assume.waf_million_requests
    rules = len(r.inputs.get("rules") or [])
    return [
        Charge(f"web ACL {money(g.waf_web_acl_month)} + {rules} rules × {money(g.waf_rule_month)}", g.waf_web_acl_month + rules * g.waf_rule_month),
        Charge(f"{millions:g} M requests × {money(g.waf_million_requests)}", millions * g.waf_million_requests, f"{millions:g} M requests a month per web ACL"),
    ]


def hosted_zone(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    price = c.world.route53_zone_month
    return [Charge(f"hosted zone {money(price)}/month", price)]


def health_check(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    g, i = c.world, r.inputs
    kind = str(i.get("type", "HTTP"))
    features = sum([kind.startswith("HTTPS"), kind.endswith("STR_MATCH"), number(i.get("requestInterval"), 30) < 30, bool(i.get("measureLatency"))])
    return [Charge(f"health check {money(g.route53_health_check_aws_month)} + {features} optional features × {money(g.route53_health_check_feature_month)}",
                   g.route53_health_check_aws_month + features * g.route53_health_check_feature_month)]
