"""ECR: a tag resolved to the digest it points at now, so a deploy runs an immutable image."""

from __future__ import annotations

from platformctl.aws.session import client, translate
from platformctl.errors import UsageError
from platformctl.rendering.image_ref import ImageRef


def resolve_digest(image: ImageRef) -> str:
    """The `sha256:…` digest of an ECR image's tag.

    Raises:
        UsageError: not an ECR image, or the tag is not in the repository.
        MissingToolError: no AWS credentials or region.
        PlatformctlError: AWS refused.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    where = image.ecr
    if where is None:
        raise UsageError(
            f"{image.repository} is not an ECR repository, so its tag {image.tag!r} cannot be resolved to a digest here.",
            hint="Pass the image by digest (REPOSITORY@sha256:…).",
        )
    account, region, name = where
    ecr = client("ecr", region=region)
    try:
        found = ecr.describe_images(registryId=account, repositoryName=name, imageIds=[{"imageTag": image.tag}])
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in {"ImageNotFoundException", "RepositoryNotFoundException"}:
            raise UsageError(
                f"ECR has no image {name}:{image.tag} in {account}/{region} ({code}).",
                hint="Check the tag CI pushed; `aws ecr describe-images --repository-name " + name + "` lists them.",
            ) from None
        raise translate(exc, f"look up {name}:{image.tag} in ECR") from None
    except BotoCoreError as exc:
        raise translate(exc, f"look up {name}:{image.tag} in ECR") from None
    details = found.get("imageDetails", [])
    if not details:
        raise UsageError(f"ECR has no image {name}:{image.tag}.", hint="Check the tag CI pushed.")
    digest: str = details[0]["imageDigest"]
    return digest
