"""Loading the shipped price table (aws-prices.json) into a typed model."""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

TABLE_FILE = "aws-prices.json"


class RegionPrices(BaseModel):
    """On-demand list prices of one region, in the table's currency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nat_gateway_hour: float
    nat_gateway_gb: float
    public_ipv4_hour: float
    eks_cluster_hour: float
    ec2_hour: dict[str, float]
    ebs_gp3_gb_month: float
    rds_postgres_hour: dict[str, float]
    rds_gp3_gb_month: float
    rds_backup_gb_month: float
    elasticache_hour: dict[str, float]
    opensearch_hour: dict[str, float]
    opensearch_gp3_gb_month: float
    alb_hour: float
    alb_lcu_hour: float
    nlb_hour: float
    nlb_lcu_hour: float
    vpc_endpoint_az_hour: float
    vpc_endpoint_gb: float
    kms_key_month: float
    secret_month: float
    logs_ingest_gb: float
    logs_store_gb_month: float
    backup_gb_month: float
    s3_standard_gb_month: float
    inter_region_gb: float
    s3_rtc_gb: float
    sqs_million_requests: float
    sns_million_publishes: float
    ses_thousand_emails: float
    cognito_mau: float


class GlobalPrices(BaseModel):
    """Services billed globally (CloudFront, its WAF, Route 53), whatever region the plan records."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    route53_zone_month: float
    route53_health_check_aws_month: float
    route53_health_check_feature_month: float
    cloudfront_gb_out: float
    cloudfront_10k_https_requests: float
    waf_web_acl_month: float
    waf_rule_month: float
    waf_million_requests: float


class Assumptions(BaseModel):
    """Usage the plan cannot know (traffic, stored data); each priced item that uses one says so."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nat_gb_per_gateway: float
    vpc_endpoint_gb_per_endpoint: float
    alb_count_per_controller: int
    alb_average_lcu: float
    nlb_average_lcu: float
    log_gb_per_group: float
    backup_gb_per_vault: float
    s3_gb_per_bucket: float
    s3_replicated_gb_per_month: float
    sqs_million_requests_per_queue: float
    sns_million_publishes_per_topic: float
    ses_thousand_emails: float
    cognito_mau: int
    cognito_free_mau: int
    cloudfront_gb_out: float
    cloudfront_million_requests: float
    waf_million_requests: float
    node_root_volume_gb: float


class PriceTable(BaseModel):
    """The whole table: its version and date, prices per region, assumptions, and which types cost nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    prices_as_of: str  # when AWS published these prices
    compiled_on: str  # when this table was written
    currency: str
    hours_per_month: float
    source: str
    regions: dict[str, RegionPrices]
    global_: GlobalPrices
    assumptions: Assumptions
    no_charge_types: frozenset[str]
    no_charge_type_prefixes: tuple[str, ...]
    unpriced_types: dict[str, str]

    @classmethod
    def from_json(cls, text: str) -> PriceTable:
        import json

        data = json.loads(text)
        data["global_"] = data.pop("global")
        return cls.model_validate(data)


@cache
def shipped_table() -> PriceTable:
    """The table that ships with this version of platformctl."""
    text = resources.files("platformctl.plan.pricing").joinpath(TABLE_FILE).read_text(encoding="utf-8")
    return PriceTable.from_json(text)
