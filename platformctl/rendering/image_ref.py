"""Container image references: `registry/repository[:tag][@sha256:digest]`, parsed once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from platformctl.errors import UsageError

_REFERENCE = re.compile(
    r"^(?P<repository>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:[._/-][a-z0-9]+)*)*)"
    r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?$"
)
_ECR_HOST = re.compile(r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com$")


@dataclass(frozen=True)
class ImageRef:
    repository: str  # registry host and path
    tag: str | None
    digest: str | None

    @property
    def pinned(self) -> str:
        """What the pods run: the repository by digest, immutable."""
        if self.digest is None:
            raise ValueError("the image has no digest yet")
        return f"{self.repository}@{self.digest}"

    @property
    def ecr(self) -> tuple[str, str, str] | None:
        """(account, region, repository name) when this is an ECR image, else None."""
        host, _, name = self.repository.partition("/")
        match = _ECR_HOST.match(host)
        return (match["account"], match["region"], name) if match and name else None

    def with_digest(self, digest: str) -> ImageRef:
        return ImageRef(self.repository, self.tag, digest)


def parse_image(text: str) -> ImageRef:
    """Parse an image reference that names a version.

    Raises:
        UsageError: the text is not a reference, or has neither tag nor digest (`latest` by omission is refused).
    """
    match = _REFERENCE.match(text.strip())
    if not match or "/" not in match["repository"]:
        raise UsageError(
            f"{text!r} is not an image reference.",
            hint="Give REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@sha256:DIGEST, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/orders:3f2a1c9.",
        )
    if not match["tag"] and not match["digest"]:
        raise UsageError(
            f"The image {text!r} has neither a tag nor a digest, so what would run is whatever `latest` is at the time.",
            hint="Pass the tag CI pushed (e.g. the git sha) or the digest.",
        )
    return ImageRef(match["repository"], match["tag"], match["digest"])
