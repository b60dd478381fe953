"""Pulumi AWS type tokens and input names as Terraform's (pulumi-aws is bridged from the Terraform provider)."""

from __future__ import annotations

import re

# Where the bridge's names are not the mechanical aws_<module>_<resource> (EC2 resources drop the module).
_TYPE_OVERRIDES = {
    "aws:rds/instance:Instance": "aws_db_instance",
    "aws:rds/parameterGroup:ParameterGroup": "aws_db_parameter_group",
    "aws:rds/subnetGroup:SubnetGroup": "aws_db_subnet_group",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": "aws_db_instance_automated_backups_replication",
    "aws:ec2/flowLog:FlowLog": "aws_flow_log",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": "aws_iam_openid_connect_provider",
    "aws:elasticache/parameterGroup:ParameterGroup": "aws_elasticache_parameter_group",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": "aws_s3_bucket_replication_configuration",
}
# Lists of nested blocks that Pulumi names in the plural and Terraform in the singular.
_SINGULAR_BLOCKS = {
    "rules": "rule", "origins": "origin", "originGroups": "origin_group", "members": "member", "transitions": "transition",
    "copyActions": "copy_action", "failoverRoutingPolicies": "failover_routing_policy", "parameters": "parameter",
    "selectionTags": "selection_tag", "scopes": "scope", "schemas": "schema", "recoveryMechanisms": "recovery_mechanism",
    "logDeliveryConfigurations": "log_delivery_configuration", "s3DeliveryConfigurations": "s3_delivery_configuration",
    "routes": "route", "orderedCacheBehaviors": "ordered_cache_behavior", "customErrorResponses": "custom_error_response",
    "clientIdLists": "client_id_list", "thumbprintLists": "thumbprint_list", "noncurrentVersionTransitions": "noncurrent_version_transition",
}
# Route53 records call their alias block `alias`; CloudFront's `aliases` is a list of names in both.
_PER_TYPE = {("aws_route53_record", "aliases"): "alias"}
# Attributes that are maps of free keys in Terraform (their keys are data, never renamed or turned into blocks).
MAP_ATTRIBUTES = {"tags", "tags_all", "recovery_point_tags", "default_tags", "labels", "annotations"}
# Attributes holding a JSON document: kept as text, as Terraform holds them.
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake(name: str) -> str:
    return _CAMEL.sub(r"_\1", name).lower()


def terraform_type(token: str) -> str | None:
    """aws:s3/bucketPolicy:BucketPolicy -> aws_s3_bucket_policy; None for what has no Terraform resource."""
    if token in _TYPE_OVERRIDES:
        return _TYPE_OVERRIDES[token]
    parts = token.split(":")
    if len(parts) != 3 or parts[0] != "aws":
        return None
    module = parts[1].split("/")[0]
    resource = snake(parts[2])
    if module == "ec2" or resource.startswith(f"{module}_"):
        return f"aws_{resource}"
    return f"aws_{module}_{resource}"


def terraform_attribute(tf_type: str, name: str) -> str:
    return _PER_TYPE.get((tf_type, name)) or _SINGULAR_BLOCKS.get(name) or snake(name)
