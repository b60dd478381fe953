"""The Pulumi state backend on AWS, with boto3: an S3 bucket hardened for state and KMS keys for it and for Pulumi secrets.

Idempotent: what exists is inspected, never changed; what is weaker than the baseline is reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from platformctl.aws.session import translate
from platformctl.errors import PlatformctlError

OLD_VERSIONS_DAYS = 90
_PUBLIC_ACCESS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


@dataclass(frozen=True)
class BackendNames:
    bucket: str
    state_key_alias: str
    secrets_key_alias: str
    region: str

    @property
    def state_url(self) -> str:
        return f"s3://{self.bucket}?region={self.region}&awssdk=v2"

    @property
    def secrets_provider(self) -> str:
        return f"awskms://{self.secrets_key_alias}?region={self.region}"


def backend_names(*, organisation: str, env: str, account: str, region: str) -> BackendNames:
    """One documented scheme: the account id keeps the bucket name globally unique."""
    base = f"{organisation}-{env}".lower()
    return BackendNames(
        bucket=f"{base}-pulumi-state-{account}"[:63],
        state_key_alias=f"alias/{base}-pulumi-state",
        secrets_key_alias=f"alias/{base}-pulumi-secrets",
        region=region,
    )


@dataclass
class BackendReport:
    names: BackendNames
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    weaker: list[str] = field(default_factory=list)


def ensure_state_backend(names: BackendNames, *, s3: Any, kms: Any) -> BackendReport:
    """Create what is missing; inspect (never change) what exists.

    Raises:
        PlatformctlError: AWS refused, or the bucket name belongs to another account (translated, with the next step).
    """
    report = BackendReport(names)
    try:
        state_key = _ensure_key(kms, names.state_key_alias, "Encrypts the Pulumi state bucket", report)
        _ensure_key(kms, names.secrets_key_alias, "Encrypts Pulumi config secrets (secrets provider)", report)
        _ensure_bucket(s3, names, state_key, report)
    except PlatformctlError:
        raise
    except Exception as exc:
        raise translate(exc, f"set up the state backend {names.bucket}") from None
    return report


def _ensure_key(kms: Any, alias: str, description: str, report: BackendReport) -> str:
    try:
        key = kms.describe_key(KeyId=alias)["KeyMetadata"]
    except kms.exceptions.NotFoundException:
        key = kms.create_key(Description=description, KeyUsage="ENCRYPT_DECRYPT", Tags=[{"TagKey": "managed-by", "TagValue": "platformctl"}])["KeyMetadata"]
        kms.enable_key_rotation(KeyId=key["KeyId"])
        kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
        report.created.append(f"KMS key {alias} (rotates yearly)")
        return str(key["Arn"])
    if not kms.get_key_rotation_status(KeyId=key["KeyId"]).get("KeyRotationEnabled"):
        report.weaker.append(f"KMS key {alias}: automatic rotation is off")
    else:
        report.unchanged.append(f"KMS key {alias}")
    return str(key["Arn"])


def _ensure_bucket(s3: Any, names: BackendNames, key_arn: str, report: BackendReport) -> None:
    from botocore.exceptions import ClientError

    try:
        s3.head_bucket(Bucket=names.bucket)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        if code in {"403", "AccessDenied"}:
            raise PlatformctlError(f"The bucket {names.bucket} exists but this account cannot read it.",
                                   hint="Use the account that owns it, or another organisation name in platform.yaml.") from None
        if code not in {"404", "NoSuchBucket", "NotFound"}:
            raise
        _create_bucket(s3, names, key_arn)
        report.created.append(f"S3 bucket {names.bucket} (versioned, SSE-KMS, public access blocked, TLS only, old versions expire)")
        return
    weaker = _bucket_weaknesses(s3, names.bucket)
    report.weaker.extend(f"S3 bucket {names.bucket}: {w}" for w in weaker)
    if not weaker:
        report.unchanged.append(f"S3 bucket {names.bucket}")


def _create_bucket(s3: Any, names: BackendNames, key_arn: str) -> None:
    create: dict[str, Any] = {"Bucket": names.bucket}
    if names.region != "us-east-1":  # us-east-1 refuses an explicit location constraint
        create["CreateBucketConfiguration"] = {"LocationConstraint": names.region}
    s3.create_bucket(**create)
    s3.put_public_access_block(Bucket=names.bucket, PublicAccessBlockConfiguration={name: True for name in _PUBLIC_ACCESS})
    s3.put_bucket_versioning(Bucket=names.bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket=names.bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}, "BucketKeyEnabled": True}]})
    s3.put_bucket_policy(Bucket=names.bucket, Policy=json.dumps(_tls_only_policy(names.bucket)))
    s3.put_bucket_lifecycle_configuration(Bucket=names.bucket, LifecycleConfiguration={"Rules": [{
        "ID": "expire-old-state-versions", "Status": "Enabled", "Filter": {"Prefix": ""},
        "NoncurrentVersionExpiration": {"NoncurrentDays": OLD_VERSIONS_DAYS},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]})


def _tls_only_policy(bucket: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}


def _bucket_weaknesses(s3: Any, bucket: str) -> list[str]:
    """What an existing bucket lacks compared with the baseline, one phrase each."""
    from botocore.exceptions import ClientError

    def read(call: str, missing: str, **kwargs: Any) -> Any:
        try:
            return getattr(s3, call)(Bucket=bucket, **kwargs)
        except ClientError as exc:
            if missing in str(exc.response.get("Error", {}).get("Code", "")):
                return None
            raise

    found: list[str] = []
    if s3.get_bucket_versioning(Bucket=bucket).get("Status") != "Enabled":
        found.append("versioning is off")
    encryption = read("get_bucket_encryption", "ServerSideEncryptionConfigurationNotFound")
    rules = (encryption or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    if not any(r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm") == "aws:kms" for r in rules):
        found.append("not encrypted with SSE-KMS")
    block = (read("get_public_access_block", "NoSuchPublicAccessBlockConfiguration") or {}).get("PublicAccessBlockConfiguration", {})
    open_settings = [name for name in _PUBLIC_ACCESS if not block.get(name)]
    if open_settings:
        found.append(f"public access not fully blocked ({', '.join(open_settings)} off)")
    policy = read("get_bucket_policy", "NoSuchBucketPolicy")
    if policy is None or '"aws:SecureTransport"' not in policy.get("Policy", "").replace(" ", ""):
        found.append("no bucket policy refusing plain HTTP")
    lifecycle = read("get_bucket_lifecycle_configuration", "NoSuchLifecycleConfiguration")
    if not any("NoncurrentVersionExpiration" in rule for rule in (lifecycle or {}).get("Rules", [])):
        found.append("old versions never expire")
    return found
