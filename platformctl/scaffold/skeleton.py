"""skeleton.yaml: the skeleton's version, its optional features and the files rendered per service."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from platformctl.config.yaml_model import parse_yaml_model
from platformctl.paths import skeleton_dir

MANIFEST = "skeleton.yaml"


class SkeletonManifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    features: dict[str, list[str]] = Field(description="optional feature -> the paths it owns")
    default_features: list[str]
    rendered: dict[str, str] = Field(description="file in a service -> the template under templates/ that writes it")

    @model_validator(mode="after")
    def _consistent(self) -> SkeletonManifest:
        unknown = sorted(set(self.default_features) - set(self.features))
        if unknown:
            raise ValueError(f"default_features names unknown features: {', '.join(unknown)}")
        return self


@cache
def load_skeleton(root: Path | None = None) -> SkeletonManifest:
    """Read the bundled skeleton's manifest (a broken one is a packaging bug, reported as a ConfigError)."""
    folder = root or skeleton_dir()
    path = folder / MANIFEST
    return parse_yaml_model(
        path.read_text(encoding="utf-8"),
        SkeletonManifest,
        source=str(path),
        hint="The skeleton shipped with platformctl is broken; reinstall platformctl.",
        shape="version, features, default_features and rendered",
    )
