"""Encryption in transit: TLS enforced by every data store, endpoint and resource policy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platformctl.policies.inputs import denies_insecure_transport, get, is_true
from platformctl.policies.model import Control, Rule, Severity

_IN_TRANSIT = Control.ENCRYPTION_IN_TRANSIT


def _postgres_force_ssl(_: str, inputs: Mapping[str, Any]) -> str | None:
    if not str(inputs.get("family", "")).startswith("postgres"):
        return None
    forced = {p.get("name"): str(p.get("value")) for p in inputs.get("parameters") or []}.get("rds.force_ssl")
    return None if forced == "1" else "the parameter group does not set rds.force_ssl=1"


def _cache_in_transit(_: str, inputs: Mapping[str, Any]) -> str | None:
    if not is_true(inputs.get("transitEncryptionEnabled")):
        return "in-transit encryption is off"
    if inputs.get("transitEncryptionMode", "required") != "required":
        return f"transitEncryptionMode is {inputs.get('transitEncryptionMode')!r}: plaintext clients are still accepted"
    return None


def _search_node_to_node(_: str, inputs: Mapping[str, Any]) -> str | None:
    return None if is_true(get(inputs, "nodeToNodeEncryption.enabled")) else "node-to-node encryption is off"


def _search_https(_: str, inputs: Mapping[str, Any]) -> str | None:
    if not is_true(get(inputs, "domainEndpointOptions.enforceHttps")):
        return "the endpoint accepts plain HTTP"
    policy = str(get(inputs, "domainEndpointOptions.tlsSecurityPolicy", ""))
    return None if "TLS-1-2" in policy else f"TLS policy {policy or '(default)'} allows TLS 1.0/1.1"


def _cdn_https(_: str, inputs: Mapping[str, Any]) -> str | None:
    behaviours = [inputs.get("defaultCacheBehavior") or {}, *(inputs.get("orderedCacheBehaviors") or [])]
    for behaviour in behaviours:
        if behaviour.get("viewerProtocolPolicy") not in {"redirect-to-https", "https-only"}:
            return f"a cache behaviour serves plain HTTP (viewerProtocolPolicy {behaviour.get('viewerProtocolPolicy')!r})"
    minimum = str(get(inputs, "viewerCertificate.minimumProtocolVersion", ""))
    return None if minimum.startswith("TLSv1.2") else f"viewers may use TLS older than 1.2 (minimumProtocolVersion {minimum or 'unset'})"


def _policy_denies_plaintext(_: str, inputs: Mapping[str, Any]) -> str | None:
    document = inputs.get("policy")
    return None if denies_insecure_transport(document) else "the resource policy does not deny requests without TLS (aws:SecureTransport)"


def _email_tls(_: str, inputs: Mapping[str, Any]) -> str | None:
    return None if get(inputs, "deliveryOptions.tlsPolicy") == "REQUIRE" else "SES may deliver mail without TLS (tlsPolicy is not REQUIRE)"


RULES = (
    Rule("EIT-001", "PostgreSQL refuses connections without TLS", _IN_TRANSIT, Severity.MANDATORY, ("aws:rds/parameterGroup:ParameterGroup",),
         "Set rds.force_ssl=1 in the PostgreSQL parameter group.", check=_postgres_force_ssl, checkov=("CKV2_AWS_69",)),
    Rule("EIT-002", "Redis requires TLS", _IN_TRANSIT, Severity.MANDATORY, ("aws:elasticache/replicationGroup:ReplicationGroup",),
         "Set transitEncryptionEnabled=True and transitEncryptionMode='required'.", check=_cache_in_transit, checkov=("CKV_AWS_30",)),
    Rule("EIT-003", "OpenSearch nodes talk TLS to each other", _IN_TRANSIT, Severity.MANDATORY, ("aws:opensearch/domain:Domain",),
         "Set nodeToNodeEncryption.enabled=True.", check=_search_node_to_node, checkov=("CKV_AWS_6",)),
    Rule("EIT-004", "OpenSearch serves HTTPS only, TLS 1.2 or later", _IN_TRANSIT, Severity.MANDATORY, ("aws:opensearch/domain:Domain",),
         "Set domainEndpointOptions.enforceHttps=True and a Policy-Min-TLS-1-2 security policy.", check=_search_https,
         checkov=("CKV_AWS_83", "CKV_AWS_228")),
    Rule("EIT-005", "CloudFront serves viewers over HTTPS with TLS 1.2 or later", _IN_TRANSIT, Severity.MANDATORY,
         ("aws:cloudfront/distribution:Distribution",), "Use viewerProtocolPolicy redirect-to-https and minimumProtocolVersion TLSv1.2_2021.",
         check=_cdn_https, checkov=("CKV_AWS_34", "CKV_AWS_174")),
    Rule("EIT-006", "Bucket, queue and topic policies deny requests without TLS", _IN_TRANSIT, Severity.MANDATORY,
         ("aws:s3/bucketPolicy:BucketPolicy", "aws:sqs/queuePolicy:QueuePolicy", "aws:sns/topicPolicy:TopicPolicy"),
         "Add a Deny statement for all principals with Condition Bool aws:SecureTransport = false.", check=_policy_denies_plaintext),
    Rule("EIT-007", "Email leaves SES over TLS only", _IN_TRANSIT, Severity.MANDATORY, ("aws:sesv2/configurationSet:ConfigurationSet",),
         "Set deliveryOptions.tlsPolicy='REQUIRE' on the configuration set.", check=_email_tls),
)
