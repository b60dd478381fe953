"""Which pricing rule prices which resource type."""

from __future__ import annotations

from platformctl.plan.pricing import compute, services
from platformctl.plan.pricing.charges import Rule

RULES: dict[str, Rule] = {
    "aws:ec2/natGateway:NatGateway": compute.nat_gateway,
    "aws:ec2/eip:Eip": compute.public_ip,
    "aws:eks/cluster:Cluster": compute.eks_cluster,
    "aws:eks/nodeGroup:NodeGroup": compute.node_group,
    "aws:rds/instance:Instance": compute.rds_instance,
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": compute.rds_backup_replication,
    "aws:elasticache/replicationGroup:ReplicationGroup": compute.cache_group,
    "aws:opensearch/domain:Domain": compute.search_domain,
    "aws:ec2/vpcEndpoint:VpcEndpoint": services.vpc_endpoint,
    "aws:kms/key:Key": services.kms_key,
    "aws:secretsmanager/secret:Secret": services.secret,
    "aws:cloudwatch/logGroup:LogGroup": services.log_group,
    "aws:backup/vault:Vault": services.backup_vault,
    "aws:s3/bucket:Bucket": services.bucket,
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": services.bucket_replication,
    "aws:sqs/queue:Queue": services.queue,
    "aws:sns/topic:Topic": services.topic,
    "aws:sesv2/emailIdentity:EmailIdentity": services.email_identity,
    "aws:cognito/userPool:UserPool": services.user_pool,
    "kubernetes:helm.sh/v3:Release": services.helm_release,
    "kubernetes:helm.sh/v4:Chart": services.helm_release,
    "aws:cloudfront/distribution:Distribution": services.cloudfront,
    "aws:wafv2/webAcl:WebAcl": services.web_acl,
    "aws:route53/zone:Zone": services.hosted_zone,
    "aws:route53/healthCheck:HealthCheck": services.health_check,
}
