"""Encryption at rest: every data store, log, queue, topic, secret and volume encrypted, with keys we rotate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from platformctl.policies.inputs import get, is_true, of_types, target_of
from platformctl.policies.model import Control, Outcome, PolicyContext, ResourceCheck, ResourceView, Rule, Severity

_AT_REST = Control.ENCRYPTION_AT_REST
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"


def _rds_encrypted(_: str, inputs: Mapping[str, Any]) -> str | None:
    if not is_true(inputs.get("storageEncrypted")):
        return "storage is not encrypted (storageEncrypted is not true)"
    if not inputs.get("kmsKeyId"):
        return "storage is encrypted with the AWS-managed key, not a platform KMS key"
    return None


def _bucket_sse(_: str, inputs: Mapping[str, Any]) -> str | None:
    algorithm = get(inputs, "rules.applyServerSideEncryptionByDefault.sseAlgorithm")
    if algorithm not in {"aws:kms", "aws:kms:dsse", "AES256"}:
        return f"default encryption algorithm is {algorithm!r}, not SSE-KMS or SSE-S3"
    return None


def _every_bucket_encrypted(resources: Sequence[ResourceView], _: PolicyContext) -> Iterable[Outcome]:
    buckets = list(of_types(resources, BUCKET))
    covered = {t.name for c in of_types(resources, BUCKET_SSE) if (t := target_of(c, "bucket", buckets, "bucket"))}
    for bucket in buckets:
        yield bucket, None if bucket.name in covered else "has no default-encryption configuration"


def _cache_at_rest(_: str, inputs: Mapping[str, Any]) -> str | None:
    if not is_true(inputs.get("atRestEncryptionEnabled")):
        return "at-rest encryption is off"
    return None if inputs.get("kmsKeyId") else "encrypted with the AWS-managed key, not a platform KMS key"


def _search_at_rest(_: str, inputs: Mapping[str, Any]) -> str | None:
    if not is_true(get(inputs, "encryptAtRest.enabled")):
        return "encryptAtRest is not enabled"
    return None if get(inputs, "encryptAtRest.kmsKeyId") else "encrypted with the AWS-managed key, not a platform KMS key"


def _eks_secrets(_: str, inputs: Mapping[str, Any]) -> str | None:
    if "secrets" not in (get(inputs, "encryptionConfig.resources") or []) or not get(inputs, "encryptionConfig.provider.keyArn"):
        return "Kubernetes secrets are not envelope-encrypted with a KMS key"
    return None


def _kms_key_input(key: str, what: str) -> ResourceCheck:
    def check(_: str, inputs: Mapping[str, Any]) -> str | None:
        return None if inputs.get(key) else f"{what} without a customer-managed KMS key ({key} unset)"

    return check


def _sqs_encrypted(_: str, inputs: Mapping[str, Any]) -> str | None:
    if inputs.get("kmsMasterKeyId") or is_true(inputs.get("sqsManagedSseEnabled")):
        return None
    return "the queue is not encrypted (neither kmsMasterKeyId nor sqsManagedSseEnabled)"


def _key_rotation(_: str, inputs: Mapping[str, Any]) -> str | None:
    return None if is_true(inputs.get("enableKeyRotation")) else "automatic key rotation is off"


def _volumes_encrypted(type_token: str, inputs: Mapping[str, Any]) -> str | None:
    mappings = get(inputs, "spec.blockDeviceMappings") if type_token.startswith("kubernetes:") else inputs.get("blockDeviceMappings")
    for mapping in mappings or []:
        if not is_true(get(mapping, "ebs.encrypted")):
            return f"volume {mapping.get('deviceName', '?')} is not encrypted"
    return None


def _recovery_points_key(_: str, inputs: Mapping[str, Any]) -> str | None:
    return None if inputs.get("kmsKeyArn") or inputs.get("kmsKeyId") else "recovery points are not encrypted with a platform key"


RULES = (
    Rule("EAR-001", "RDS storage is encrypted with a platform KMS key", _AT_REST, Severity.MANDATORY, ("aws:rds/instance:Instance",),
         "Set storageEncrypted=True and kmsKeyId to the data layer's database key.", check=_rds_encrypted,
         checkov=("CKV_AWS_16",), awsguard="rds-storage-encrypted"),
    Rule("EAR-002", "S3 default encryption is SSE-KMS or SSE-S3", _AT_REST, Severity.MANDATORY, (BUCKET_SSE,),
         "Use sseAlgorithm aws:kms with the buckets key (AES256 only where a log delivery service requires it).", check=_bucket_sse,
         checkov=("CKV_AWS_19", "CKV_AWS_145")),
    Rule("EAR-003", "Every S3 bucket has a default-encryption configuration", _AT_REST, Severity.MANDATORY, (BUCKET, BUCKET_SSE),
         "Create a BucketServerSideEncryptionConfiguration beside the bucket (SecureBucket / DrBucket do).",
         check_stack=_every_bucket_encrypted, checkov=("CKV_AWS_19",)),
    Rule("EAR-004", "ElastiCache is encrypted at rest with a platform KMS key", _AT_REST, Severity.MANDATORY,
         ("aws:elasticache/replicationGroup:ReplicationGroup",), "Set atRestEncryptionEnabled=True and kmsKeyId to the cache key.",
         check=_cache_at_rest, checkov=("CKV_AWS_29", "CKV_AWS_191")),
    Rule("EAR-005", "OpenSearch is encrypted at rest with a platform KMS key", _AT_REST, Severity.MANDATORY, ("aws:opensearch/domain:Domain",),
         "Set encryptAtRest.enabled=True with the search key.", check=_search_at_rest, checkov=("CKV_AWS_5", "CKV_AWS_247"),
         awsguard="elasticsearch-encrypted-at-rest"),
    Rule("EAR-006", "EKS secrets are envelope-encrypted with KMS", _AT_REST, Severity.MANDATORY, ("aws:eks/cluster:Cluster",),
         "Give the cluster an encryptionConfig for resources ['secrets'] with the cluster's secrets key.", check=_eks_secrets,
         checkov=("CKV_AWS_58",)),
    Rule("EAR-007", "CloudWatch log groups are encrypted with a platform KMS key", _AT_REST, Severity.MANDATORY,
         ("aws:cloudwatch/logGroup:LogGroup",), "Set kmsKeyId to the layer's logs key.",
         check=_kms_key_input("kmsKeyId", "logs kept"), checkov=("CKV_AWS_158",)),
    Rule("EAR-008", "SNS topics are encrypted with a platform KMS key", _AT_REST, Severity.MANDATORY, ("aws:sns/topic:Topic",),
         "Set kmsMasterKeyId to the messaging key.", check=_kms_key_input("kmsMasterKeyId", "messages kept"), checkov=("CKV_AWS_26",)),
    Rule("EAR-009", "SQS queues are encrypted", _AT_REST, Severity.MANDATORY, ("aws:sqs/queue:Queue",),
         "Set kmsMasterKeyId (the messaging key) or sqsManagedSseEnabled=True.", check=_sqs_encrypted, checkov=("CKV_AWS_27",)),
    Rule("EAR-010", "KMS keys rotate automatically", _AT_REST, Severity.MANDATORY, ("aws:kms/key:Key",),
         "Set enableKeyRotation=True on the key.", check=_key_rotation, checkov=("CKV_AWS_7",)),
    Rule("EAR-011", "Secrets Manager secrets use a customer-managed KMS key", _AT_REST, Severity.MANDATORY,
         ("aws:secretsmanager/secret:Secret",), "Set kmsKeyId on the secret to a platform key (the add-ons' secrets key).",
         check=_kms_key_input("kmsKeyId", "a secret kept"), checkov=("CKV_AWS_149",)),
    Rule("EAR-012", "Node volumes are encrypted", _AT_REST, Severity.MANDATORY,
         ("aws:ec2/launchTemplate:LaunchTemplate", "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"),
         "Set ebs.encrypted=true on every block device mapping of the launch template / node class.", check=_volumes_encrypted),
    Rule("EAR-013", "Backup vaults and cross-region backup copies use a platform KMS key", _AT_REST, Severity.MANDATORY,
         ("aws:backup/vault:Vault", "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"),
         "Set kmsKeyArn on the vault (kmsKeyId on the automated-backups replication) to the backup / DR database key.",
         check=_recovery_points_key,
         checkov=("CKV_AWS_166",)),
)
