"""Which input changes make Pulumi's AWS and Kubernetes providers replace a resource instead of updating it.

The usual ForceNew fields of the bridged Terraform AWS provider (names, subnet groups, storage KMS keys,
engines) and a change of an engine's major version; the list is deliberately short and says "replace"
only where the provider is known to: an unlisted field is shown as an update.
"""

from __future__ import annotations

from typing import Any

# type token -> input paths (dotted; a path also covers everything under it) that force replacement
REPLACE_ON: dict[str, frozenset[str]] = {
    "aws:rds/instance:Instance": frozenset({"identifier", "engine", "kmsKeyId", "dbSubnetGroupName", "storageEncrypted", "username", "dbName",
                                            "availabilityZone", "characterSetName", "timezone"}),
    "aws:rds/subnetGroup:SubnetGroup": frozenset({"name"}),
    "aws:rds/parameterGroup:ParameterGroup": frozenset({"name", "family"}),
    "aws:elasticache/replicationGroup:ReplicationGroup": frozenset(
        {"replicationGroupId", "subnetGroupName", "kmsKeyId", "atRestEncryptionEnabled", "engine", "port"}
    ),
    "aws:elasticache/subnetGroup:SubnetGroup": frozenset({"name"}),
    "aws:opensearch/domain:Domain": frozenset({"domainName", "encryptAtRest"}),
    "aws:eks/cluster:Cluster": frozenset({"name", "encryptionConfig", "kubernetesNetworkConfig"}),
    "aws:eks/nodeGroup:NodeGroup": frozenset(
        {"clusterName", "nodeGroupName", "instanceTypes", "subnetIds", "capacityType", "amiType", "diskSize", "nodeRoleArn"}
    ),
    "aws:ec2/vpc:Vpc": frozenset({"cidrBlock", "instanceTenancy"}),
    "aws:ec2/subnet:Subnet": frozenset({"vpcId", "cidrBlock", "availabilityZone"}),
    "aws:ec2/natGateway:NatGateway": frozenset({"subnetId", "allocationId", "connectivityType"}),
    "aws:ec2/vpcEndpoint:VpcEndpoint": frozenset({"vpcId", "serviceName", "vpcEndpointType"}),
    "aws:s3/bucket:Bucket": frozenset({"bucket", "bucketPrefix"}),
    "aws:kms/key:Key": frozenset({"keyUsage", "customerMasterKeySpec", "multiRegion"}),
    "aws:sqs/queue:Queue": frozenset({"name", "fifoQueue"}),
    "aws:sns/topic:Topic": frozenset({"name", "fifoTopic"}),
    "aws:cloudwatch/logGroup:LogGroup": frozenset({"name"}),
    "aws:secretsmanager/secret:Secret": frozenset({"name"}),
    "aws:cognito/userPool:UserPool": frozenset({"name", "aliasAttributes", "usernameAttributes", "schemas"}),
    "aws:iam/role:Role": frozenset({"name"}),
    "aws:route53/zone:Zone": frozenset({"name"}),
    "aws:acm/certificate:Certificate": frozenset({"domainName", "subjectAlternativeNames", "validationMethod"}),
    "kubernetes:helm.sh/v3:Release": frozenset({"name", "namespace"}),
}
# Engines whose version moves in place within a major version but not across one (as the issue asks us to flag).
MAJOR_VERSION_TYPES = frozenset({"aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup"})


def forces_replacement(type_token: str, path: str, old: Any, new: Any) -> bool:
    """Whether changing the input at path from old to new replaces the resource."""
    if type_token in MAJOR_VERSION_TYPES and path == "engineVersion":
        return _major(old) != _major(new)
    if type_token.startswith("kubernetes:") and path in ("metadata.name", "metadata.namespace"):
        return True
    fields = REPLACE_ON.get(type_token, frozenset())
    return any(path == field or path.startswith(field + ".") for field in fields)


def _major(version: Any) -> str:
    return str(version).split(".", 1)[0] if version is not None else ""
