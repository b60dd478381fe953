"""`platformctl render`: a service's manifests for one environment, from its service.yaml and the layers' outputs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from platformctl.config import service_names as names
from platformctl.config.loader import load_platform
from platformctl.config.platform_outputs import load_outputs
from platformctl.config.service_file import ServiceManifest, load_service
from platformctl.errors import UsageError
from platformctl.rendering.deploy_context import DeployContext, RenderInputs, build_context
from platformctl.rendering.image_ref import ImageRef, parse_image
from platformctl.rendering.manifests import RenderedService, render_service


class DigestResolver(Protocol):
    """Turns a tagged image into its immutable digest (ECR in production, a fake in tests)."""

    def __call__(self, image: ImageRef) -> str: ...


@dataclass(frozen=True)
class RenderRequest:
    directory: Path  # the service: holds service.yaml
    env: str
    outputs_file: Path | None  # the environment's layer outputs
    image: str | None = None  # None: the service's ECR repository at tag `latest`
    platform_file: Path | None = None
    revision: int = 0  # deploy passes the revision it is making; a plain render has none
    secret_digest: str | None = None


@dataclass(frozen=True)
class Prepared:
    manifest: ServiceManifest
    image: ImageRef  # with its digest
    context: DeployContext
    rendered: RenderedService
    organisation: str
    region: str
    cluster_name: str


def prepare(request: RenderRequest, *, resolve_digest: DigestResolver) -> Prepared:
    """Load and check every input, resolve the image, and render.

    Raises:
        UsageError: unknown environment, broken service.yaml or platform.yaml, a bad image, no outputs.
        MissingToolError: resolving a tag needs AWS credentials that are not there.
    """
    loaded = load_platform(request.platform_file, cwd=request.directory)
    platform = loaded.platform
    if request.env not in platform.environments:
        raise UsageError(
            f"There is no environment {request.env!r} in {loaded.source}.",
            hint=f"Choose one of: {', '.join(sorted(platform.environments))}.",
        )
    manifest = load_service(request.directory).for_environment(request.env)
    if request.outputs_file is None:
        raise UsageError(
            f"No layer outputs for {request.env}: the manifests need the cluster, database, issuer and hostnames the platform's stacks exported.",
            hint="Pass --outputs FILE (or set PLATFORMCTL_OUTPUTS_FILE): a JSON object of `pulumi stack output --json` per layer.",
        )
    outputs = load_outputs(request.outputs_file)
    if request.image is None:
        region = platform.regions.primary
        repository = f"{outputs.cluster.account_id}.dkr.ecr.{region}.amazonaws.com/{names.ecr_repository(platform.organisation, manifest.name)}"
        image = parse_image(f"{repository}:latest")
    else:
        image = parse_image(request.image)
    if image.digest is None:
        image = image.with_digest(resolve_digest(image))
    version = image.tag or (image.digest or "")[len("sha256:") :][:12]
    inputs = RenderInputs(
        manifest=manifest,
        platform=platform,
        outputs=outputs,
        env=request.env,
        image=image.pinned,
        version=version,
        revision=request.revision,
        secret_digest=request.secret_digest,
    )
    context = build_context(inputs)
    return Prepared(manifest, image, context, render_service(context), platform.organisation, platform.regions.primary, outputs.cluster.cluster_name)


def is_production(directory: Path, env: str, platform_file: Path | None) -> bool:
    """Whether env is production in the platform that applies here (unknown environments are left to the use case to refuse)."""
    platform = load_platform(platform_file, cwd=directory).platform
    return env in platform.environments and platform.is_production(env)
