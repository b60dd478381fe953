"""The output names each layer exports, declared once, and typed readers over StackReferences.

A layer exports with `export_outputs(Layer.X, {...})`, which refuses names not declared here; a
downstream layer reads with `reference(Layer.X).get("name")`, which refuses them too. So a typo is
an error at plan time, not a silently missing value in the cloud.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import pulumi


class Layer(str, Enum):
    """Pulumi projects, one per layer; the project name is `platform-<value>`."""

    NETWORK = "network"
    CLUSTER = "cluster"
    IDENTITY = "identity"
    ADDONS = "addons"
    DATA = "data"
    MESSAGING = "messaging"
    EDGE = "edge"
    BACKUP = "backup"
    DR = "dr"

    @property
    def project(self) -> str:
        return f"platform-{self.value}"


# Output names and value types per layer. Add a name here before exporting it.
OUTPUTS: dict[Layer, dict[str, type]] = {
    Layer.NETWORK: {
            "vpcId": str,
            "vpcCidr": str,
            "azs": list,
            "publicSubnetIds": list,
            "privateSubnetIds": list,
            "isolatedSubnetIds": list,
            "albSecurityGroupId": str,
            "appSecurityGroupId": str,
            "dataSecurityGroupId": str,
            "endpointSecurityGroupId": str,
            "flowLogGroupName": str,
            "logsKeyArn": str,
            "natPublicIps": list,  # the platform's egress addresses, for partners' allow-lists
        },
    Layer.CLUSTER: {
            "clusterName": str,
            "clusterEndpoint": str,
            "clusterCertificateAuthority": str,
            "clusterSecurityGroupId": str,
            "nodeSecurityGroupId": str,
            "nodeRoleArn": str,
            "oidcProviderArn": str,
            "oidcProviderUrl": str,
            "clusterKmsKeyArn": str,
            "kubernetesVersion": str,
        },
    Layer.IDENTITY: {
            "userPoolId": str,
            "userPoolArn": str,
            "issuerUrl": str,
            "jwksUrl": str,
            "audiences": list,
            "webClientId": str,
            "mobileClientId": str,
            "machineClientId": str,
            "hostedDomain": str,
            "resourceServerIdentifier": str,
            "resourceServerScopes": list,
        },
    Layer.ADDONS: {
            "namespaces": list,
            "kongProxyService": str,
            "ingressClass": str,
            "appNamespaces": list,
            "kongPlugins": list,
            "containerLogGroupName": str,
            "secretStoreName": str,
            "autoscaler": str,
        },
    Layer.DATA: {
            "databaseKeyArn": str,
            "cacheKeyArn": str,
            "searchKeyArn": str,
            "bucketsKeyArn": str,
            "dbInstanceArn": str,
            "dbInstanceIdentifier": str,
            "dbEndpoint": str,
            "dbPort": int,
            "dbMasterSecretArn": str,
            "dbSecurityGroupId": str,
            "dbReplicaEndpoints": list,
            "redisReplicationGroupId": str,
            "redisPrimaryEndpoint": str,
            "redisConfigurationEndpoint": str,
            "redisAuthSecretArn": str,
            "searchDomainArn": str,
            "searchDomainEndpoint": str,
            "searchMasterRoleArn": str,
            "assetsBucketName": str,
            "assetsBucketArn": str,
            "assetsBucketRegionalDomainName": str,
            "uploadsBucketName": str,
            "uploadsBucketArn": str,
            "exportsBucketName": str,
            "exportsBucketArn": str,
            "accessLogsBucketName": str,
            "snowflakeRoleArn": str,
            "logsKeyArn": str,
            "redisUserId": str,
            "redisSecurityGroupId": str,
            "searchSecurityGroupId": str,
        },
    Layer.MESSAGING: {
            "queueUrls": dict,
            "queueArns": dict,
            "deadLetterQueueArns": dict,
            "topicArns": dict,
            "messagingKeyArn": str,
            "sesIdentityArn": str,
            "sesConfigurationSet": str,
            "sesDomain": str,
            "sesDkimTokens": list,
        },
    Layer.EDGE: {
            "zoneId": str,
            "zoneName": str,
            "zoneNameServers": list,
            "certificateArn": str,
            "cloudfrontCertificateArn": str,
            "distributionId": str,
            "distributionArn": str,
            "distributionDomainName": str,
            "staticHostname": str,
            "webAclArn": str,
            "albWebAclArn": str,
            "apiHostname": str,
        },
    Layer.BACKUP: {
            "vaultArn": str,
            "vaultName": str,
            "drVaultArn": str,
            "planId": str,
            "backupKeyArn": str,
            "drBackupKeyArn": str,
            "backupRoleArn": str,
            "backupTag": str,
        },
    Layer.DR: {
            "drRegion": str,
            "drVpcId": str,
            "drPrivateSubnetIds": list,
            "drDbReplicaArn": str,
            "drDbReplicaIdentifier": str,
            "drClusterName": str,
            "drNodeGroupName": str,
            "drBucketNames": list,
            "drSearchSnapshotBucket": str,
            "drQueueUrls": dict,
            "failoverRecordName": str,
            "primaryHealthCheckId": str,
            "cacheColdStartRunbook": str,
        },
}


def export_outputs(layer: Layer, values: dict[str, Any]) -> None:
    """Export a layer's stack outputs, refusing names that are not declared above."""
    unknown = sorted(set(values) - set(OUTPUTS[layer]))
    if unknown:
        raise ValueError(f"{layer.project} exports undeclared outputs {unknown}: declare them in stacks/outputs.py")
    for name, value in values.items():
        pulumi.export(name, value)


class LayerReference:
    """Typed access to another layer's outputs in the same environment (stack)."""

    def __init__(self, layer: Layer):
        self.layer = layer
        # Stacks are named after the environment in every project; the org is the backend's.
        self._ref = pulumi.StackReference(f"{pulumi.get_organization()}/{layer.project}/{pulumi.get_stack()}")

    def get(self, name: str) -> pulumi.Output[Any]:
        """The output `name` of the referenced layer (an error if not declared)."""
        if name not in OUTPUTS[self.layer]:
            raise KeyError(f"{self.layer.project} declares no output {name!r}: see stacks/outputs.py")
        return self._ref.require_output(name)


_REFERENCES: dict[tuple[int, Layer], LayerReference] = {}


def reference(layer: Layer) -> LayerReference:
    """One StackReference per referenced layer and program run (a run is keyed by its root stack)."""
    from pulumi.runtime.settings import get_root_resource

    key = (id(get_root_resource()), layer)
    if key not in _REFERENCES:
        _REFERENCES[key] = LayerReference(layer)
    return _REFERENCES[key]
