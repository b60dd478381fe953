"""The IAM role a Snowflake storage integration assumes to read the data exports bucket, and nothing else."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class WarehouseAccessArgs:
    role_name: str  # f"{organisation}-{environment}-snowflake"
    snowflake_principal: str  # STORAGE_AWS_IAM_USER_ARN from DESC INTEGRATION
    external_id: str  # STORAGE_AWS_EXTERNAL_ID from DESC INTEGRATION
    bucket_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]  # the key the bucket's objects are encrypted with
    tags: dict[str, str] = field(default_factory=dict)


def read_exports_policy(bucket_arn: str, key_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "ListExports", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": bucket_arn},
                {"Sid": "ReadExports", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": f"{bucket_arn}/*"},
                {
                    "Sid": "DecryptExports",
                    "Effect": "Allow",
                    "Action": "kms:Decrypt",
                    "Resource": key_arn,
                    # Only through S3: the role cannot use the key for anything but reading these objects.
                    "Condition": {"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}},
                },
            ],
        }
    )


class WarehouseAccess(pulumi.ComponentResource):
    """The role and its read-only policy. Snowflake-side objects (the integration, stages) are not ours."""

    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: WarehouseAccessArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:data:WarehouseAccess", name, None, opts)
        role = aws.iam.Role(
            f"{name}-role",
            name=args.role_name,
            description="Assumed by the Snowflake storage integration to read data exports",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": args.snowflake_principal},
                            "Action": "sts:AssumeRole",
                            # The external ID stops another Snowflake customer from pointing an integration at this role.
                            "Condition": {"StringEquals": {"sts:ExternalId": args.external_id}},
                        }
                    ],
                }
            ),
            max_session_duration=3600,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.iam.RolePolicy(
            f"{name}-read-exports",
            role=role.id,
            policy=pulumi.Output.all(args.bucket_arn, args.kms_key_arn).apply(lambda v: read_exports_policy(v[0], v[1])),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.role_arn = role.arn
        self.register_outputs({"role_arn": self.role_arn})
