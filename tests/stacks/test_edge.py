"""The edge layer: public zone, ACM in two regions, CloudFront with OAC and security headers, WAF, records."""

from __future__ import annotations

import pytest

from platformctl.config.loader import LoadedPlatform
from platformctl.config.stack_config import common_config, layer_config
from platformctl.core.planning import build_plan
from platformctl.engines.embedded.runner import EmbeddedEngine
from platformctl.plan.model import PlanResource
from tests.stacks.conftest import assert_platform_tags, fake_upstream, named, of_type, one_of_type, provider_region, sample_platform

ENVS = ["dev", "prod"]
PRIMARY = "eu-west-1"
MANAGED_GROUPS = {
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesSQLiRuleSet",
}
ONE_YEAR = 31_536_000
# Types whose AWS API takes no tags.
NOT_TAGGABLE = {
    "aws:acm/certificateValidation:CertificateValidation", "aws:cloudfront/originAccessControl:OriginAccessControl",
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "aws:route53/record:Record",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "aws:route53/queryLog:QueryLog", "aws:kms/alias:Alias",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
}


def marker(resource: PlanResource | str, attr: str) -> str:
    name = resource if isinstance(resource, str) else resource.name
    return f"(known after apply: {name}.{attr})"


def zone_name(env: str) -> str:
    return f"{env}.acme.example.com"



@pytest.mark.parametrize("env", ENVS)
def test_public_zone_is_the_environment_subdomain(layer_plan, env: str) -> None:
    plan = layer_plan("edge", env)
    zone = one_of_type(plan, "aws:route53/zone:Zone")
    assert zone.inputs["name"] == zone_name(env), f"{zone.name}: the zone must be <env>.<domain>, got {zone.inputs['name']}"
    assert not zone.inputs.get("vpcs"), f"{zone.name}: the zone must be public (no VPC association)"
    assert plan.outputs["zoneName"] == zone_name(env), "edge: zoneName output must name the zone"
    assert plan.outputs["zoneId"] == marker(zone, "zoneId"), "edge: zoneId output must be the created zone's id"
    caa = named(plan, "aws:route53/record:Record", "zone-caa")
    assert caa.inputs["type"] == "CAA" and any("amazon.com" in v for v in caa.inputs["records"]), f"{caa.name}: CAA must allow only Amazon to issue"


def test_an_existing_zone_is_used_instead_of_creating_one() -> None:
    loaded = sample_platform()
    edge = loaded.platform.edge.model_copy(update={"existing_zone_ids": {"prod": "Z0123456789ABC"}})
    platform = loaded.platform.model_copy(update={"edge": edge})
    adopted = LoadedPlatform(platform, loaded.source, True)
    plan = build_plan(engine=EmbeddedEngine(), loaded=adopted, env="prod", layers=["edge"], upstream=fake_upstream("edge", adopted)).layer("edge")
    assert not plan.by_type("aws:route53/zone:Zone"), "edge: with existing_zone_ids.prod set, no zone may be created"
    records = of_type(plan, "aws:route53/record:Record")
    assert all(r.inputs["zoneId"] == "Z0123456789ABC" for r in records), "edge: every record must go into the existing zone"
    assert plan.outputs["zoneId"] == "Z0123456789ABC", "edge: zoneId output must be the existing zone's id"


@pytest.mark.parametrize("env", ENVS)
def test_alb_certificate_is_in_the_primary_region_and_dns_validated(layer_plan, env: str) -> None:
    plan = layer_plan("edge", env)
    cert = named(plan, "aws:acm/certificate:Certificate", "api-certificate-certificate")
    assert cert.region == PRIMARY, f"{cert.name}: the ALB certificate must be in the primary region, got {cert.region}"
    assert cert.inputs["domainName"] == f"*.{zone_name(env)}", f"{cert.name}: must cover api.<zone> and the services (*.<zone>)"
    assert cert.inputs["validationMethod"] == "DNS", f"{cert.name}: certificates must be DNS validated"
    assert plan.outputs["certificateArn"] == marker(cert, "arn"), "edge: certificateArn must be the ALB certificate"


@pytest.mark.parametrize("env", ENVS)
def test_cloudfront_certificate_is_in_us_east_1_through_an_explicit_provider(layer_plan, env: str) -> None:
    plan = layer_plan("edge", env)
    cert = named(plan, "aws:acm/certificate:Certificate", "cdn-certificate-certificate")
    assert provider_region(plan, cert) == "us-east-1", f"{cert.name}: CloudFront only accepts certificates from us-east-1 (explicit provider)"
    assert cert.region == "us-east-1", f"{cert.name}: planned in {cert.region}, not us-east-1"
    assert cert.inputs["domainName"] == f"static.{zone_name(env)}", f"{cert.name}: must cover the static hostname"
    assert cert.inputs["validationMethod"] == "DNS", f"{cert.name}: certificates must be DNS validated"
    assert plan.outputs["cloudfrontCertificateArn"] == marker(cert, "arn"), "edge: cloudfrontCertificateArn must be the us-east-1 certificate"


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("prefix", ["api-certificate", "cdn-certificate"])
def test_each_certificate_has_a_validation_record_in_the_zone_and_a_validation(layer_plan, env: str, prefix: str) -> None:
    plan = layer_plan("edge", env)
    zone = one_of_type(plan, "aws:route53/zone:Zone")
    cert = named(plan, "aws:acm/certificate:Certificate", f"{prefix}-certificate")
    record = named(plan, "aws:route53/record:Record", f"{prefix}-validation-record")
    assert record.inputs["zoneId"] == marker(zone, "zoneId"), f"{record.name}: the validation record must be in the environment's zone"
    assert record.inputs["name"] == marker(cert, "domainValidationOptions[0].resourceRecordName"), f"{record.name}: must be the record ACM asks for"
    assert record.inputs["records"] == [marker(cert, "domainValidationOptions[0].resourceRecordValue")], f"{record.name}: must hold ACM's value"
    validation = named(plan, "aws:acm/certificateValidation:CertificateValidation", f"{prefix}-validation")
    assert validation.inputs["certificateArn"] == marker(cert, "arn"), f"{validation.name}: must wait for {cert.name}"
    assert validation.inputs["validationRecordFqdns"] == [marker(record, "fqdn")], f"{validation.name}: must wait for {record.name}"
    assert validation.region == cert.region, f"{validation.name}: must be in the certificate's region ({cert.region})"


@pytest.mark.parametrize("env", ENVS)
def test_distribution_serves_the_assets_bucket_through_origin_access_control(layer_plan, env: str) -> None:
    plan = layer_plan("edge", env)
    dist = one_of_type(plan, "aws:cloudfront/distribution:Distribution")
    oac = one_of_type(plan, "aws:cloudfront/originAccessControl:OriginAccessControl")
    assert oac.inputs["signingBehavior"] == "always", f"{oac.name}: origin access control must always sign"
    assert oac.inputs["signingProtocol"] == "sigv4", f"{oac.name}: origin access control must sign with sigv4"
    assert oac.inputs["originAccessControlOriginType"] == "s3", f"{oac.name}: the origin is S3"
    origin = dist.inputs["origins"][0]
    assert origin["domainName"] == "(known after apply: data.assetsBucketRegionalDomainName)", f"{dist.name}: origin must be the data layer's assets bucket"
    assert origin["originAccessControlId"] == marker(oac, "id"), f"{dist.name}: origin must use origin access control"
    assert "s3OriginConfig" not in origin or not origin["s3OriginConfig"].get("originAccessIdentity"), f"{dist.name}: no legacy OAI"
    behaviour = dist.inputs["defaultCacheBehavior"]
    if env == "dev":  # no DR region in dev: one origin
        assert len(dist.inputs["origins"]) == 1 and not dist.inputs.get("originGroups"), f"{dist.name}: dev has no DR copy to fail over to"
        assert behaviour["targetOriginId"] == origin["originId"], f"{dist.name}: default behaviour must target the assets origin"
    else:
        dr_origin = dist.inputs["origins"][1]
        assert dr_origin["domainName"] == f"acme-{env}-dr-assets.s3.eu-central-1.amazonaws.com", f"{dist.name}: the DR origin is the dr layer's assets replica"
        assert dr_origin["originAccessControlId"] == marker(oac, "id"), f"{dist.name}: the DR origin is signed too"
        (group,) = dist.inputs["originGroups"]
        assert [m["originId"] for m in group["members"]] == ["assets", "assets-dr"], f"{dist.name}: primary first, DR second"
        assert set(group["failoverCriteria"]["statusCodes"]) >= {500, 502, 503, 504}, f"{dist.name}: fails over on server errors"
        assert behaviour["targetOriginId"] == group["originId"], f"{dist.name}: default behaviour must target the failover group"
    assert behaviour["viewerProtocolPolicy"] in {"redirect-to-https", "https-only"}, f"{dist.name}: viewers must be on HTTPS"
    assert set(behaviour["allowedMethods"]) <= {"GET", "HEAD", "OPTIONS"}, f"{dist.name}: static assets are read-only"


@pytest.mark.parametrize("env", ENVS)
def test_distribution_uses_the_us_east_1_certificate_with_tls_1_2(layer_plan, env: str) -> None:
    plan = layer_plan("edge", env)
    dist = one_of_type(plan, "aws:cloudfront/distribution:Distribution")
    validation = named(plan, "aws:acm/certificateValidation:CertificateValidation", "cdn-certificate-validation")
    cert = dist.inputs["viewerCertificate"]
    assert cert["acmCertificateArn"] == marker("cdn-certificate-certificate", "arn"), f"{dist.name}: must use the us-east-1 certificate"
    assert validation.urn in dist.dependencies, f"{dist.name}: must wait for the certificate's validation"
    assert cert["minimumProtocolVersion"] == "TLSv1.2_2021", f"{dist.name}: minimum protocol must be TLSv1.2_2021"
    assert cert["sslSupportMethod"] == "sni-only", f"{dist.name}: SNI only (no dedicated IP charges)"
    assert not cert.get("cloudfrontDefaultCertificate"), f"{dist.name}: must not use the default *.cloudfront.net certificate"
    assert dist.inputs["aliases"] == [f"static.{zone_name(env)}"], f"{dist.name}: alias must be static.<zone>"


@pytest.mark.parametrize("env", ENVS)
def test_response_headers_policy_sets_hsts_and_security_headers(layer_plan, env: str) -> None:
    plan = layer_plan("edge", env)
    dist = one_of_type(plan, "aws:cloudfront/distribution:Distribution")
    policy = one_of_type(plan, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")
    assert dist.inputs["defaultCacheBehavior"]["responseHeadersPolicyId"] == marker(policy, "id"), f"{dist.name}: must use {policy.name}"
    headers = policy.inputs["securityHeadersConfig"]
    hsts = headers["strictTransportSecurity"]
    assert hsts["accessControlMaxAgeSec"] >= ONE_YEAR, f"{policy.name}: HSTS max-age must be at least one year"
    assert hsts["includeSubdomains"] is True, f"{policy.name}: HSTS must include subdomains"
    assert hsts["preload"] is True, f"{policy.name}: HSTS must allow preload"
    assert headers["contentTypeOptions"]["override"] is True, f"{policy.name}: X-Content-Type-Options nosniff must be set"
    assert headers["frameOptions"]["frameOption"] in {"DENY", "SAMEORIGIN"}, f"{policy.name}: X-Frame-Options must be set"
    assert headers["referrerPolicy"]["referrerPolicy"], f"{policy.name}: Referrer-Policy must be set"


@pytest.mark.parametrize("env", ENVS)
def test_distribution_logs_to_the_access_logs_bucket(layer_plan, env: str) -> None:
    plan = layer_plan("edge", env)
    dist = one_of_type(plan, "aws:cloudfront/distribution:Distribution")
    source = one_of_type(plan, "aws:cloudwatch/logDeliverySource:LogDeliverySource")
    destination = one_of_type(plan, "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination")
    delivery = one_of_type(plan, "aws:cloudwatch/logDelivery:LogDelivery")
    assert source.inputs["resourceArn"] == marker(dist, "arn"), f"{source.name}: must log the static distribution"
    assert source.inputs["logType"] == "ACCESS_LOGS", f"{source.name}: standard logging means ACCESS_LOGS"
    for resource in (source, destination, delivery):
        assert provider_region(plan, resource) == "us-east-1", f"{resource.name}: CloudFront log delivery exists only in us-east-1"
    target = destination.inputs["deliveryDestinationConfiguration"]["destinationResourceArn"]
    assert target == "arn:aws:s3:::(known after apply: data.accessLogsBucketName)", f"{destination.name}: must deliver to the data layer's access logs bucket"
    assert delivery.inputs["deliverySourceName"] == source.inputs["name"], f"{delivery.name}: must read {source.name}"
    assert delivery.inputs["deliveryDestinationArn"] == marker(destination, "arn"), f"{delivery.name}: must write to {destination.name}"
    assert delivery.inputs["s3DeliveryConfigurations"][0]["suffixPath"].startswith("cloudfront/"), f"{delivery.name}: logs need a prefix of their own"
    # v1 logging (logging_config) needs S3 ACLs, which the platform's buckets disable.
    assert not dist.inputs.get("loggingConfig"), f"{dist.name}: use v2 log delivery, not ACL-based logging_config"


@pytest.mark.parametrize(("env", "price_class"), [("dev", "PriceClass_100"), ("prod", "PriceClass_All")])
def test_price_class_follows_the_environment(layer_plan, env: str, price_class: str) -> None:
    dist = one_of_type(layer_plan("edge", env), "aws:cloudfront/distribution:Distribution")
    assert dist.inputs["priceClass"] == price_class, f"{dist.name}: {env} must use {price_class}, got {dist.inputs['priceClass']}"


def _check_rules(acl: PlanResource, limit: int) -> None:
    rules = acl.inputs["rules"]
    groups = {r["statement"]["managedRuleGroupStatement"]["name"] for r in rules if "managedRuleGroupStatement" in r["statement"]}
    assert groups == MANAGED_GROUPS, f"{acl.name}: managed rule groups must be {sorted(MANAGED_GROUPS)}, got {sorted(groups)}"
    for rule in rules:
        if "managedRuleGroupStatement" in rule["statement"]:
            assert rule["statement"]["managedRuleGroupStatement"]["vendorName"] == "AWS", f"{acl.name}: {rule['name']} must be AWS managed"
            assert "none" in rule["overrideAction"], f"{acl.name}: {rule['name']} must keep its block actions (override none)"
    rate = [r for r in rules if "rateBasedStatement" in r["statement"]]
    assert len(rate) == 1, f"{acl.name}: needs one rate-based rule"
    assert "block" in rate[0]["action"], f"{acl.name}: the rate-based rule must block"
    assert rate[0]["statement"]["rateBasedStatement"]["limit"] == limit, f"{acl.name}: rate limit must come from platform.yaml ({limit})"
    assert rate[0]["statement"]["rateBasedStatement"]["aggregateKeyType"] == "IP", f"{acl.name}: rate limit is per IP"
    assert len({r["priority"] for r in rules}) == len(rules), f"{acl.name}: rule priorities must be unique"
    assert "allow" in acl.inputs["defaultAction"], f"{acl.name}: what no rule blocks is allowed"
    assert acl.inputs["visibilityConfig"]["cloudwatchMetricsEnabled"] is True, f"{acl.name}: metrics must be on"


@pytest.mark.parametrize("env", ENVS)
def test_cloudfront_web_acl_is_in_us_east_1_and_attached(layer_plan, env: str) -> None:
    plan = layer_plan("edge", env)
    acl = named(plan, "aws:wafv2/webAcl:WebAcl", "cdn-waf-acl")
    assert acl.inputs["scope"] == "CLOUDFRONT", f"{acl.name}: scope must be CLOUDFRONT"
    assert provider_region(plan, acl) == "us-east-1", f"{acl.name}: CLOUDFRONT web ACLs exist only in us-east-1 (explicit provider)"
    _check_rules(acl, sample_platform().platform.edge.rate_limit_per_ip)
    dist = one_of_type(plan, "aws:cloudfront/distribution:Distribution")
    assert dist.inputs["webAclId"] == marker(acl, "arn"), f"{dist.name}: must be protected by {acl.name} (web_acl_id)"
    assert plan.outputs["webAclArn"] == marker(acl, "arn"), "edge: webAclArn must be the CloudFront web ACL"


@pytest.mark.parametrize("env", ENVS)
def test_regional_web_acl_for_the_alb_is_exported(layer_plan, env: str) -> None:
    plan = layer_plan("edge", env)
    acl = named(plan, "aws:wafv2/webAcl:WebAcl", "alb-waf-acl")
    assert acl.inputs["scope"] == "REGIONAL", f"{acl.name}: the ALB needs a REGIONAL web ACL"
    assert acl.region == PRIMARY and provider_region(plan, acl) is None, f"{acl.name}: must be in the primary region (the ALB's)"
    _check_rules(acl, sample_platform().platform.edge.rate_limit_per_ip)
    assert plan.outputs["albWebAclArn"] == marker(acl, "arn"), "edge: albWebAclArn must be the regional web ACL (ALB annotation)"


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("record_type", ["A", "AAAA"])
def test_static_hostname_aliases_the_distribution(layer_plan, env: str, record_type: str) -> None:
    plan = layer_plan("edge", env)
    zone = one_of_type(plan, "aws:route53/zone:Zone")
    dist = one_of_type(plan, "aws:cloudfront/distribution:Distribution")
    records = [r for r in of_type(plan, "aws:route53/record:Record") if r.inputs.get("name") == f"static.{zone_name(env)}" and r.inputs["type"] == record_type]
    assert len(records) == 1, f"edge: needs one {record_type} record for static.<zone>"
    (record,) = records
    (alias,) = record.inputs["aliases"]
    assert record.inputs["zoneId"] == marker(zone, "zoneId"), f"{record.name}: must be in the environment's zone"
    assert alias["name"] == marker(dist, "domainName"), f"{record.name}: must alias the distribution"
    assert alias["zoneId"] == marker(dist, "hostedZoneId"), f"{record.name}: alias needs CloudFront's hosted zone id"


@pytest.mark.parametrize("env", ENVS)
def test_outputs_name_the_api_and_static_hostnames(layer_plan, env: str) -> None:
    plan = layer_plan("edge", env)
    dist = one_of_type(plan, "aws:cloudfront/distribution:Distribution")
    assert plan.outputs["apiHostname"] == f"api.{zone_name(env)}", "edge: apiHostname must be api.<zone> (external-dns makes its record)"
    assert plan.outputs["staticHostname"] == f"static.{zone_name(env)}", "edge: staticHostname must be static.<zone>"
    assert plan.outputs["distributionId"] == marker(dist, "id"), "edge: distributionId must be the distribution's"
    assert plan.outputs["distributionArn"] == marker(dist, "arn"), "edge: distributionArn must be the distribution's"
    assert plan.outputs["distributionDomainName"] == marker(dist, "domainName"), "edge: distributionDomainName must be the distribution's"


@pytest.mark.parametrize("env", ENVS)
def test_edge_writes_no_second_policy_on_the_data_layers_bucket(layer_plan, env: str) -> None:
    policies = layer_plan("edge", env).by_type("aws:s3/bucketPolicy:BucketPolicy")
    assert not policies, f"edge: {[p.name for p in policies]}: S3 keeps one policy per bucket and the data layer owns the assets bucket's"


@pytest.mark.parametrize("env", ENVS)
def test_taggable_edge_resources_carry_the_platform_tags(layer_plan, env: str) -> None:
    tags = common_config(sample_platform().platform, env)["tags"]
    assert_platform_tags(layer_plan("edge", env), tags, NOT_TAGGABLE, at_least=8)


@pytest.mark.parametrize("env", ENVS)
def test_stack_config_comes_from_platform_yaml(env: str) -> None:
    platform = sample_platform().platform
    config = layer_config(platform, env, "edge")
    assert config["zoneName"] == zone_name(env), "edge config: zoneName must be <env>.<domain>"
    assert config["existingZoneId"] == "", "edge config: the sample creates its zones"
    assert config["rateLimitPerIp"] == platform.edge.rate_limit_per_ip, "edge config: rate limit from platform.yaml"


@pytest.mark.parametrize("env", ENVS)
def test_both_web_acls_log_their_decisions_to_encrypted_groups_in_their_region(layer_plan, env: str) -> None:
    plan = layer_plan("edge", env)
    days = 365 if env == "prod" else 90
    keys = {"cdn-waf": marker("edge-logs-key", "arn"), "alb-waf": "(known after apply: data.logsKeyArn)"}
    regions = {"cdn-waf": "us-east-1", "alb-waf": None}
    configs = of_type(plan, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
    assert len(configs) == 2, f"edge/{env}: one logging configuration per web ACL"
    for acl_name, key in keys.items():
        acl = named(plan, "aws:wafv2/webAcl:WebAcl", f"{acl_name}-acl")
        group = named(plan, "aws:cloudwatch/logGroup:LogGroup", f"{acl_name}-logs")
        assert group.inputs["name"] == f"aws-waf-logs-{acl.inputs['name']}", f"{group.name}: WAF delivers only to aws-waf-logs-* groups"
        assert (group.inputs["kmsKeyId"], group.inputs["retentionInDays"]) == (key, days), f"{group.name}: encrypted, kept {days} days"
        config = named(plan, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", f"{acl_name}-logging")
        assert config.inputs["resourceArn"] == marker(acl, "arn"), f"{config.name}: logs {acl.name}"
        assert config.inputs["logDestinationConfigs"] == [marker(group, "arn")], f"{config.name}: into {group.name}"
        redacted = {f["singleHeader"]["name"] for f in config.inputs["redactedFields"]}
        assert redacted == {"authorization", "cookie"}, f"{config.name}: credentials never reach the logs"
        assert provider_region(plan, group) == regions[acl_name] == provider_region(plan, acl), f"{group.name}: in its web ACL's region"


@pytest.mark.parametrize("env", ENVS)
def test_the_public_zone_logs_dns_queries_in_us_east_1(layer_plan, env: str) -> None:
    plan = layer_plan("edge", env)
    zone = one_of_type(plan, "aws:route53/zone:Zone")
    query_log = one_of_type(plan, "aws:route53/queryLog:QueryLog")
    group = named(plan, "aws:cloudwatch/logGroup:LogGroup", "edge-logs-dns-queries")
    assert query_log.inputs["zoneId"] == marker(zone, "zoneId") and query_log.inputs["cloudwatchLogGroupArn"] == marker(group, "arn"), (
        f"{query_log.name}: the zone's queries go to {group.name}"
    )
    assert group.inputs["name"] == f"/aws/route53/{zone_name(env)}" and group.inputs["kmsKeyId"] == marker("edge-logs-key", "arn"), (
        f"{group.name}: under /aws/route53, encrypted with the edge logs key"
    )
    assert provider_region(plan, group) == provider_region(plan, query_log) == "us-east-1", f"{group.name}: Route53 logs only to us-east-1"
    policy = named(plan, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "edge-logs-dns-queries-policy")
    assert "route53.amazonaws.com" in policy.inputs["policyDocument"] and "log-group:/aws/route53/*" in policy.inputs["policyDocument"], (
        f"{policy.name}: Route53 may write its query log groups only"
    )
    assert policy.urn in query_log.dependencies, f"{query_log.name}: Route53 checks its permission first, so the policy comes first"
    key = named(plan, "aws:kms/key:Key", "edge-logs-key")
    assert key.inputs["enableKeyRotation"] is True and "logs.us-east-1.amazonaws.com" in key.inputs["policy"], f"{key.name}: rotated, for CloudWatch Logs"
