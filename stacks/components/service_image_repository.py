"""A service's ECR repository: immutable tags, scanned on push, KMS-encrypted, old images expired by a lifecycle policy."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

# Images are tagged with the git commit (sha) by CI. Deploy history references at most DEPLOY_HISTORY of them per
# environment, so keeping the newest N >= DEPLOY_HISTORY * environments keeps every image a rollback may need.
DEPLOY_HISTORY = 10


def lifecycle_policy(keep_images: int) -> str:
    """Expire untagged layers after a day and tagged images beyond the newest `keep_images`."""
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": "untagged (superseded build layers) after one day",
                    "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1},
                    "action": {"type": "expire"},
                },
                {
                    "rulePriority": 2,
                    "description": f"keep the newest {keep_images} images: more than every deploy history references",
                    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep_images},
                    "action": {"type": "expire"},
                },
            ]
        },
        sort_keys=True,
    )


@dataclass
class ServiceImageRepositoryArgs:
    repository_name: str  # the service's name: CI pushes <registry>/<service>:<sha>
    keep_images: int
    # None: the account's AWS-managed aws/ecr key, so the nodes of every environment pull the one image without a key
    # policy naming them; a customer key (an ARN here) is for accounts whose rules demand one.
    kms_key_arn: pulumi.Input[str] | None = None
    protect: bool = False
    tags: dict[str, str] = field(default_factory=dict)


class ServiceImageRepository(pulumi.ComponentResource):
    arn: pulumi.Output[str]
    url: pulumi.Output[str]

    def __init__(self, name: str, args: ServiceImageRepositoryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:service:ServiceImageRepository", name, None, opts)
        if args.keep_images < DEPLOY_HISTORY:
            raise ValueError(f"repository {args.repository_name}: keep at least {DEPLOY_HISTORY} images (the deploy history), not {args.keep_images}")
        repository = aws.ecr.Repository(
            f"{name}-repository",
            name=args.repository_name,
            image_tag_mutability="IMMUTABLE",  # a tag names one build forever: a rollback gets what was tested
            image_scanning_configuration={"scan_on_push": True},
            encryption_configurations=[{"encryption_type": "KMS", **({"kms_key": args.kms_key_arn} if args.kms_key_arn is not None else {})}],
            force_delete=False,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-lifecycle", repository=repository.name, policy=lifecycle_policy(args.keep_images), opts=pulumi.ResourceOptions(parent=self)
        )
        self.arn = repository.arn
        self.url = repository.repository_url
        self.register_outputs({"arn": self.arn, "url": self.url})
