"""Shared inputs of the deploy-manifest tests: the skeleton's service.yaml, sample outputs, a pinned image."""

from __future__ import annotations

from pathlib import Path

from platformctl.core.rendering import Prepared, RenderRequest, prepare
from platformctl.paths import skeleton_dir
from platformctl.rendering.image_ref import ImageRef

TESTDATA = Path(__file__).resolve().parents[1] / "testdata" / "deploy"
OUTPUTS = TESTDATA / "outputs-prod.json"
REPOSITORY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/skeleton"
DIGEST = "sha256:" + "ab" * 32
IMAGE = f"{REPOSITORY}:3f2a1c9@{DIGEST}"
# Custom resources have no schema in kubernetes-validate: accepted by exact apiVersion and kind, nothing wider.
CUSTOM_RESOURCES = {("external-secrets.io/v1beta1", "ExternalSecret"), ("configuration.konghq.com/v1", "KongPlugin")}


def no_registry(image: ImageRef) -> str:
    raise AssertionError(f"a pinned image needs no registry lookup, yet {image} was looked up")


def render(env: str, directory: Path | None = None, **changes: object) -> Prepared:
    request = RenderRequest(directory=directory or skeleton_dir(), env=env, outputs_file=OUTPUTS, image=IMAGE)
    if changes:
        from dataclasses import replace

        request = replace(request, **changes)  # type: ignore[arg-type]
    return prepare(request, resolve_digest=no_registry)
