"""Violating fixtures: each rule's mutation of the real prod sample plan, made in memory."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from platformctl.plan.model import Plan, PlanResource


def find(plan: Plan, type_suffix: str, name: str | None = None, where: Callable[[PlanResource], bool] | None = None) -> PlanResource:
    for resource in plan.resources():
        if resource.type.endswith(type_suffix) and (name is None or resource.name == name) and (where is None or where(resource)):
            return resource
    raise AssertionError(f"the sample plan has no {type_suffix} {name or ''}: the fixture needs updating")


def drop(plan: Plan, type_suffix: str, where: Callable[[PlanResource], bool] = lambda r: True) -> None:
    for layer in plan.layers:
        layer.resources = [r for r in layer.resources if not (r.type.endswith(type_suffix) and where(r))]


def put(plan: Plan, type_suffix: str, name: str | None = None, **values: Any) -> None:
    find(plan, type_suffix, name).inputs.update(values)


def clone(plan: Plan, type_suffix: str) -> None:
    """Add a copy of a resource under a new name: a second one that lacks whatever the original lacks."""
    original = find(plan, type_suffix)
    copy = original.model_copy(deep=True, update={"name": f"{original.name}-copy", "urn": f"{original.urn}-copy"})
    for layer in plan.layers:
        if original in layer.resources:
            layer.resources.append(copy)
            return


def _ref(resource: PlanResource, key: str, name: str) -> bool:
    return f"(known after apply: {name}." in json.dumps(resource.inputs.get(key))


RDS = "rds/instance:Instance"
REDIS = "elasticache/replicationGroup:ReplicationGroup"
SEARCH = "opensearch/domain:Domain"
EKS = "eks/cluster:Cluster"
PRIMARY = "postgres-primary"


def _search(plan: Plan, **values: Any) -> None:
    put(plan, SEARCH, **values)


def _no_force_ssl(plan: Plan) -> None:
    group = find(plan, "rds/parameterGroup:ParameterGroup", "postgres-parameters")
    group.inputs["parameters"] = [p for p in group.inputs["parameters"] if p["name"] != "rds.force_ssl"]


def _open_ssh(plan: Plan) -> None:
    rule = find(plan, "SecurityGroupIngressRule")
    rule.inputs.update(cidrIpv4="0.0.0.0/0", fromPort=22, toPort=22, ipProtocol="tcp")
    rule.inputs.pop("referencedSecurityGroupId", None)


def _redis_from_outside(plan: Plan) -> None:
    rule = find(plan, "SecurityGroupIngressRule", where=lambda r: _ref(r, "securityGroupId", "redis-sg"))
    rule.inputs.pop("referencedSecurityGroupId", None)
    rule.inputs["cidrIpv4"] = "203.0.113.0/24"


def _no_default_deny(plan: Plan) -> None:
    drop(plan, "NetworkPolicy", lambda r: r.inputs["metadata"].get("namespace") == "apps" and r.inputs["spec"].get("podSelector") == {}
         and not r.inputs["spec"].get("ingress") and not r.inputs["spec"].get("egress"))


def _irsa_unpinned(plan: Plan) -> None:
    role = find(plan, "iam/role:Role", "dns-irsa-role")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    trust["Statement"][0]["Condition"]["StringEquals"] = {k: v for k, v in trust["Statement"][0]["Condition"]["StringEquals"].items() if not k.endswith(":sub")}
    role.inputs["assumeRolePolicy"] = json.dumps(trust)


def _lose_zone(plan: Plan) -> None:
    drop(plan, "ec2/subnet:Subnet", lambda r: r.region == plan.primary_region and str(r.inputs.get("availabilityZone")).endswith("c"))


def _one_nat(plan: Plan) -> None:
    drop(plan, "ec2/natGateway:NatGateway", lambda r: r.region == plan.primary_region and not r.name.endswith("-0"))


def _replicate_elsewhere(plan: Plan) -> None:
    find(plan, "s3/bucket:Bucket", "dr-assets-bucket").region = "us-west-2"


def _admin_statement(plan: Plan) -> None:
    put(plan, "iam/rolePolicy:RolePolicy", policy=json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))


def _zone_actions_everywhere(plan: Plan) -> None:
    statement = {"Effect": "Allow", "Action": ["route53:ListResourceRecordSets"], "Resource": "*"}
    put(plan, "iam/rolePolicy:RolePolicy", "dns-irsa-policy", policy=json.dumps({"Statement": [statement]}))


def _replication_unbounded(plan: Plan) -> None:
    config = find(plan, "s3/bucketReplicationConfig:BucketReplicationConfig")
    for rule in config.inputs["rules"]:
        rule["destination"].pop("replicationTime", None)


def _incomplete_replica(plan: Plan) -> None:
    replica = find(plan, RDS, "dr-postgres-replica")
    replica.inputs.update(multiAz=False, monitoringInterval=0)
    copy = replica.model_copy(deep=True, update={"name": "dr-postgres-replica-2", "urn": f"{replica.urn}-2"})
    plan.layer("dr").resources.append(copy)


MUTATIONS: dict[str, Callable[[Plan], None]] = {
    "EAR-001": lambda p: put(p, RDS, PRIMARY, storageEncrypted=False),
    "EAR-002": lambda p: put(p, "BucketServerSideEncryptionConfiguration", rules=[{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "none"}}]),
    "EAR-003": lambda p: drop(p, "BucketServerSideEncryptionConfiguration", lambda r: _ref(r, "bucket", "buckets-uploads-bucket")),
    "EAR-004": lambda p: put(p, REDIS, atRestEncryptionEnabled=False),
    "EAR-005": lambda p: _search(p, encryptAtRest={"enabled": False}),
    "EAR-006": lambda p: find(p, EKS).inputs.pop("encryptionConfig"),
    "EAR-007": lambda p: find(p, "logGroup:LogGroup").inputs.pop("kmsKeyId"),
    "EAR-008": lambda p: find(p, "sns/topic:Topic").inputs.pop("kmsMasterKeyId"),
    "EAR-009": lambda p: put(p, "sqs/queue:Queue", sqsManagedSseEnabled=False, kmsMasterKeyId=None),
    "EAR-010": lambda p: put(p, "kms/key:Key", enableKeyRotation=False),
    "EAR-011": lambda p: find(p, "secretsmanager/secret:Secret", "redis-connection").inputs.pop("kmsKeyId"),
    "EAR-012": lambda p: put(p, "launchTemplate:LaunchTemplate", blockDeviceMappings=[{"deviceName": "/dev/xvda", "ebs": {"encrypted": "false"}}]),
    "EAR-013": lambda p: find(p, "backup/vault:Vault").inputs.pop("kmsKeyArn"),
    "EIT-001": _no_force_ssl,
    "EIT-002": lambda p: put(p, REDIS, transitEncryptionEnabled=False),
    "EIT-003": lambda p: _search(p, nodeToNodeEncryption={"enabled": False}),
    "EIT-004": lambda p: _search(p, domainEndpointOptions={"enforceHttps": False}),
    "EIT-005": lambda p: find(p, "cloudfront/distribution:Distribution").inputs["defaultCacheBehavior"].update(viewerProtocolPolicy="allow-all"),
    "EIT-006": lambda p: put(p, "s3/bucketPolicy:BucketPolicy", policy=json.dumps({"Statement": []})),
    "EIT-007": lambda p: put(p, "sesv2/configurationSet:ConfigurationSet", deliveryOptions={"tlsPolicy": "OPTIONAL"}),
    "NET-001": lambda p: put(p, "BucketPublicAccessBlock", blockPublicPolicy=False),
    "NET-002": lambda p: drop(p, "BucketPublicAccessBlock", lambda r: _ref(r, "bucket", "buckets-exports-bucket")),
    "NET-003": lambda p: put(p, "DefaultSecurityGroup", ingress=[{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True}]),
    "NET-004": lambda p: put(p, RDS, PRIMARY, publiclyAccessible=True),
    "NET-005": lambda p: find(p, EKS).inputs["vpcConfig"].update(endpointPublicAccess=True),
    "NET-006": _open_ssh,
    "NET-007": lambda p: put(p, "launchTemplate:LaunchTemplate", metadataOptions={"httpTokens": "optional"}),
    "NET-008": lambda p: find(p, SEARCH).inputs.pop("vpcOptions"),
    "NET-009": lambda p: find(p, "core/v1:Namespace", "baseline-ns-apps").inputs["metadata"]["labels"].update(
        {"pod-security.kubernetes.io/enforce": "baseline"}),
    "NET-010": _no_default_deny,
    "NET-011": _redis_from_outside,
    "BAK-001": lambda p: put(p, RDS, PRIMARY, backupRetentionPeriod=7),
    "BAK-002": lambda p: find(p, "backup/plan:Plan").inputs["rules"][0]["lifecycle"].update(deleteAfter=7),
    "BAK-003": lambda p: put(p, RDS, PRIMARY, deletionProtection=False),
    "BAK-004": lambda p: put(p, "BucketVersioning", versioningConfiguration={"status": "Suspended"}),
    "BAK-005": lambda p: put(p, REDIS, snapshotRetentionLimit=0),
    "BAK-006": lambda p: put(p, "VaultLockConfiguration", minRetentionDays=7),
    "DR-001": lambda p: drop(p, RDS, lambda r: r.region == p.dr_region),
    "DR-002": lambda p: drop(p, "BucketReplicationConfig", lambda r: r.inputs.get("bucket") == "acme-prod-uploads"),
    "DR-003": lambda p: find(p, "backup/plan:Plan").inputs["rules"][0].update(copyActions=[]),
    "DR-004": lambda p: find(p, "route53/record:Record", "dr-failover-primary").inputs.pop("healthCheckId"),
    "DR-005": _replication_unbounded,
    "DR-006": lambda p: drop(p, EKS, lambda r: r.region == p.dr_region),
    "DR-007": _incomplete_replica,
    "DR-008": lambda p: find(p, "cloudfront/distribution:Distribution").inputs["defaultCacheBehavior"].update(targetOriginId="assets"),
    "LP-001": _admin_statement,
    "LP-002": lambda p: put(p, "iam/role:Role", assumeRolePolicy=json.dumps(
        {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]})),
    "LP-003": _irsa_unpinned,
    "LP-004": lambda p: put(p, "RolePolicyAttachment", policyArn="arn:aws:iam::aws:policy/AdministratorAccess"),
    "LP-005": lambda p: put(p, RDS, PRIMARY, iamDatabaseAuthenticationEnabled=False),
    "LP-006": _zone_actions_everywhere,
    "LP-007": lambda p: find(p, "v1:ClusterRole").inputs["rules"][0].update(verbs=["*"]),
    "LP-008": lambda p: find(p, EKS).inputs["accessConfig"].update(bootstrapClusterCreatorAdminPermissions=True),
    "LP-009": lambda p: put(p, "cognito/userPool:UserPool", mfaConfiguration="OFF"),
    "LOG-001": lambda p: put(p, EKS, enabledClusterLogTypes=["api"]),
    "LOG-002": lambda p: drop(p, "ec2/flowLog:FlowLog", lambda r: r.region == p.primary_region),
    "LOG-003": lambda p: put(p, "logGroup:LogGroup", "postgres-log-postgresql", retentionInDays=30),
    "LOG-004": lambda p: drop(p, "s3/bucketLogging:BucketLogging", lambda r: _ref(r, "bucket", "buckets-uploads-bucket")),
    "LOG-005": lambda p: put(p, RDS, PRIMARY, enabledCloudwatchLogsExports=[]),
    "LOG-006": lambda p: _search(p, logPublishingOptions=[]),
    "LOG-007": lambda p: drop(p, "logDeliverySource:LogDeliverySource"),
    "LOG-008": lambda p: clone(p, "wafv2/webAcl:WebAcl"),
    "LOG-009": lambda p: clone(p, "route53/zone:Zone"),
    "LOG-010": lambda p: put(p, RDS, PRIMARY, monitoringInterval=0),
    "AV-001": lambda p: put(p, RDS, PRIMARY, multiAz=False),
    "AV-002": _lose_zone,
    "AV-003": _one_nat,
    "AV-004": lambda p: find(p, SEARCH).inputs["clusterConfig"].update(instanceCount=2),
    "AV-005": lambda p: put(p, REDIS, replicasPerNodeGroup=0),
    "AV-006": lambda p: find(p, "eks/nodeGroup:NodeGroup").inputs["subnetIds"].pop(),
    "RES-001": lambda p: setattr(find(p, "s3/bucket:Bucket", "buckets-uploads-bucket"), "region", "us-west-2"),
    "RES-002": _replicate_elsewhere,
}
