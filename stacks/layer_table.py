"""The platform's layers, declared once: names, what each does, what it depends on, and what it exports.

Pure data, no Pulumi import: platformctl reads it to order and schedule layers (and to list them in
`--help`) without paying for the SDK; stacks/outputs.py reads it to check exports and references.
A test reads every program's `reference(Layer.X)` calls and fails when `depends_on` misses one or
names one that is unused.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Layer(StrEnum):
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
            "githubOidcProviderArn": str,  # token.actions.githubusercontent.com, trusted by each service's CI roles
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
            "publicEntryHostname": str,  # api.<env>.<domain>: the ALB in front of Kong, with the edge layer's WAF
            "rateLimitRedisHost": str,  # where services' Kong rate-limit plugins count (in-cluster, Kong only)
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
            "dbResourceId": str,  # the DbiResourceId that rds-db:connect ARNs name
            "secretsKeyArn": str,  # the key of the services' Secrets Manager secrets
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



@dataclass(frozen=True)
class LayerDefinition:
    """One row of the layer table: a Pulumi project of the platform."""

    layer: Layer
    summary: str
    depends_on: tuple[Layer, ...] = ()
    in_dr_region: bool = False

    @property
    def name(self) -> str:
        return self.layer.value

    @property
    def project(self) -> str:
        return self.layer.project

    @property
    def module(self) -> str:
        """The module that defines the layer's `program()`."""
        return f"stacks.{self.layer.value}.program"


# Upstream first: this order satisfies every dependency, so a serial run may follow it as it is.
LAYER_TABLE: tuple[LayerDefinition, ...] = (
    LayerDefinition(Layer.NETWORK, "VPC over 3 AZs, subnet tiers, NAT, flow logs, endpoints, security groups"),
    LayerDefinition(Layer.CLUSTER, "EKS with KMS secrets encryption, managed node groups, OIDC for IRSA", (Layer.NETWORK,)),
    LayerDefinition(Layer.IDENTITY, "Cognito user pool with MFA, app clients, the JWT issuer"),
    LayerDefinition(Layer.DATA, "KMS keys, RDS PostgreSQL, ElastiCache Redis, OpenSearch, S3, warehouse role", (Layer.NETWORK, Layer.CLUSTER)),
    LayerDefinition(Layer.MESSAGING, "SQS queues with DLQs, SNS topics, SES, SMS settings"),
    LayerDefinition(Layer.EDGE, "ACM, CloudFront, WAF, Route53", (Layer.DATA,)),
    # After edge and data: the public entry (an ALB Ingress before Kong) takes the edge layer's web ACL and
    # certificate and logs into the data layer's access-logs bucket.
    LayerDefinition(Layer.ADDONS, "Helm add-ons: ALB controller, Kong and its public ALB entry, autoscaling, DNS, Datadog, Fluent Bit; policies",
                    (Layer.NETWORK, Layer.CLUSTER, Layer.IDENTITY, Layer.DATA, Layer.EDGE)),
    LayerDefinition(Layer.BACKUP, "AWS Backup vaults and daily plan with copies to the DR region (selects resources by tag)"),
    LayerDefinition(Layer.DR, "DR region: network, replicas, replication targets, pilot-light cluster, failover DNS",
                    (Layer.CLUSTER, Layer.DATA, Layer.MESSAGING, Layer.EDGE), in_dr_region=True),
)


# Services are stacks too: one Pulumi project per service, `service-<name>`, and one stack per environment, named
# after it, exactly as the layers' `platform-<layer>` / `<env>`. So `reference(Layer.X)` in a service program reads
# the same environment's layer stacks, and the state of `orders` in prod is `service-orders/prod`.
SERVICE_PROJECT_PREFIX = "service-"
SERVICE_MODULE = "stacks.service.program"
# The layers whose outputs a service stack reads (a test holds this to the program's reference() calls).
SERVICE_DEPENDS_ON: tuple[Layer, ...] = (Layer.NETWORK, Layer.CLUSTER, Layer.IDENTITY, Layer.ADDONS, Layer.DATA, Layer.MESSAGING)


def service_project(service: str) -> str:
    """The Pulumi project of one service: `service-<name>`."""
    return f"{SERVICE_PROJECT_PREFIX}{service}"
