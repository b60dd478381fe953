"""Least-privilege IAM documents of a service: its pod's permissions and its CI roles' trust (pure functions of resolved values).

Every statement names the service's own resources. The one `*` is ecr:GetAuthorizationToken, which AWS
does not allow to scope (the token is per registry, not per repository).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

GITHUB_HOST = "token.actions.githubusercontent.com"
UNSCOPABLE_ACTIONS = frozenset({"ecr:GetAuthorizationToken"})


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, sort_keys=True)


@dataclass(frozen=True)
class PodGrants:
    """Resolved ARNs the pod may use; empty lists leave their statement out."""

    region: str
    account_id: str
    service: str
    queue_arns: list[str] = field(default_factory=list)  # its queues and their dead-letter queues
    messaging_key_arn: str = ""
    bucket_arns: list[str] = field(default_factory=list)  # platform buckets where it owns the prefix <service>/
    buckets_key_arn: str = ""
    secrets_path: str = ""  # <org>/<env>/services/<service>/ : every secret of the service lives below it
    extra_secret_arns: list[str] = field(default_factory=list)  # platform secrets it reads (the Redis AUTH token)
    secret_key_arns: list[str] = field(default_factory=list)  # keys that encrypt the secrets it reads
    db_resource_id: str = ""  # set when it has a database
    db_user: str = ""
    ses_arns: list[str] = field(default_factory=list)  # identity and configuration set, when it sends email
    topic_arns: list[str] = field(default_factory=list)  # SNS topics it publishes to, when it notifies
    search_domain_arn: str = ""  # set when it searches: it may use indices named <service>-*


def _via(service: str, region: str) -> dict[str, Any]:
    return {"StringEquals": {"kms:ViaService": f"{service}.{region}.amazonaws.com"}}


def pod_policy(g: PodGrants) -> str:
    """The pod role's policy: its queues, its S3 prefix, its secrets, its database user, SES/SNS only when asked."""
    statements: list[dict[str, Any]] = []
    if g.queue_arns:
        statements.append(
            {
                "Sid": "OwnQueues",
                "Effect": "Allow",
                "Resource": sorted(g.queue_arns),
                "Action": [
                    "sqs:SendMessage",
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes",
                    "sqs:GetQueueUrl",
                ],
            }
        )
        statements.append(
            {
                "Sid": "QueueEncryption",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": g.messaging_key_arn,
                "Condition": _via("sqs", g.region),
            }
        )
    if g.bucket_arns:
        statements.append(
            {
                "Sid": "OwnPrefix",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                "Resource": sorted(f"{arn}/{g.service}/*" for arn in g.bucket_arns),
            }
        )
        statements.append(
            {
                "Sid": "ListOwnPrefix",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": sorted(g.bucket_arns),
                "Condition": {"StringLike": {"s3:prefix": [f"{g.service}/*"]}},
            }
        )
        statements.append(
            {
                "Sid": "BucketEncryption",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": g.buckets_key_arn,
                "Condition": _via("s3", g.region),
            }
        )
    secret_arns = [f"arn:aws:secretsmanager:{g.region}:{g.account_id}:secret:{g.secrets_path}*"] if g.secrets_path else []
    secret_arns += g.extra_secret_arns
    if secret_arns:
        statements.append(
            {
                "Sid": "OwnSecrets",
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": sorted(secret_arns),
            }
        )
        statements.append(
            {
                "Sid": "SecretsEncryption",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": sorted(set(g.secret_key_arns)),
                "Condition": _via("secretsmanager", g.region),
            }
        )
    if g.db_resource_id:
        statements.append(
            {
                "Sid": "DatabaseIamAuth",
                "Effect": "Allow",
                "Action": "rds-db:connect",
                "Resource": f"arn:aws:rds-db:{g.region}:{g.account_id}:dbuser:{g.db_resource_id}/{g.db_user}",
            }
        )
    if g.ses_arns:
        statements.append({"Sid": "SendEmail", "Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": sorted(g.ses_arns)})
    if g.topic_arns:
        statements.append({"Sid": "PublishNotifications", "Effect": "Allow", "Action": "sns:Publish", "Resource": sorted(g.topic_arns)})
    if g.search_domain_arn:
        statements.append(
            {
                "Sid": "OwnIndices",
                "Effect": "Allow",
                "Action": ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"],
                "Resource": f"{g.search_domain_arn}/{g.service}-*",
            }
        )
    if not statements:
        raise ValueError(f"service {g.service}: a pod policy needs at least its secrets path")
    return document(*statements)


def github_trust(provider_arn: str, repository: str, subjects: list[str]) -> str:
    """Trust GitHub Actions tokens of one repository, for the given `sub` claims only (branch, tag or environment)."""
    return document(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {f"{GITHUB_HOST}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{GITHUB_HOST}:sub": [f"repo:{repository}:{s}" for s in subjects]},
            },
        }
    )


def build_policy(repository_arn: str) -> str:
    """CI build: log in to ECR (unscopable) and push to the service's repository only."""
    return document(
        {"Sid": "EcrLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {
            "Sid": "PushOwnRepository",
            "Effect": "Allow",
            "Resource": repository_arn,
            "Action": [
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:CompleteLayerUpload",
                "ecr:DescribeImages",
                "ecr:GetDownloadUrlForLayer",
                "ecr:InitiateLayerUpload",
                "ecr:PutImage",
                "ecr:UploadLayerPart",
            ],
        },
    )


def deploy_policy(cluster_arn: str) -> str:
    """CI deploy: find the cluster's endpoint; what it may do inside is the EKS access entry's (its namespace only)."""
    return document({"Sid": "DescribeOwnCluster", "Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": cluster_arn})
