"""Render a service's Kubernetes manifests for one environment, in apply order, byte-stable."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from platformctl.config.service_names import APPLYSET_TOOLING
from platformctl.rendering.deploy_context import DeployContext
from platformctl.rendering.environment import render_template

# Apply order: what the pods need first, then the schema, then the workload, then the traffic.
PHASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("basics", ("serviceaccount", "configmap", "externalsecret", "networkpolicy")),
    ("migration", ("migration-job",)),
    ("workload", ("deployment", "worker-deployment", "service", "hpa", "pdb")),
    ("route", ("kong-rate-limit", "ingress")),
)


@dataclass(frozen=True)
class Manifest:
    """One rendered object: its text as written, and the parsed body that apply sends."""

    phase: str
    text: str
    body: dict[str, Any] = field(compare=False)

    @property
    def kind(self) -> str:
        return str(self.body["kind"])

    @property
    def api_version(self) -> str:
        return str(self.body["apiVersion"])

    @property
    def name(self) -> str:
        return str(self.body["metadata"]["name"])

    @property
    def namespace(self) -> str:
        return str(self.body["metadata"]["namespace"])

    @property
    def group_kind(self) -> str:
        """`Kind.group` as ApplySet annotations spell it (`Deployment.apps`, `ConfigMap.` for the core group)."""
        group = self.api_version.rpartition("/")[0]
        return f"{self.kind}.{group}"


class ParentContext(BaseModel):
    model_config = ConfigDict(frozen=True)

    tooling: str
    group_kinds: str


@dataclass(frozen=True)
class RenderedService:
    manifests: tuple[Manifest, ...]
    parent: Manifest  # the ApplySet parent; applied first, pruned never

    def in_phase(self, phase: str) -> list[Manifest]:
        return [m for m in self.manifests if m.phase == phase]

    def stream(self) -> str:
        """All objects as one YAML stream, parent first: what `render` prints."""
        return "".join(f"---\n{m.text}" for m in (self.parent, *self.manifests))

    def files(self) -> dict[str, str]:
        """One file per object, numbered in apply order, for a GitOps folder."""
        ordered = (self.parent, *self.manifests)
        return {f"{i:02d}-{m.kind.lower()}-{m.name}.yaml": m.text for i, m in enumerate(ordered)}


def _parse(text: str) -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    body = yaml.load(text, Loader=loader)  # the C safe loader when PyYAML has it: render's time budget
    assert isinstance(body, dict), "a deploy template rendered something other than one object"
    return body


def render_service(ctx: DeployContext) -> RenderedService:
    """Every object of the service, in apply order.

    Raises:
        PlatformctlError: a template is missing or uses a value the context lacks.
    """
    manifests: list[Manifest] = []
    for phase, templates in PHASES:
        for name in templates:
            if name == "worker-deployment" and not ctx.has_worker:
                continue
            if name == "hpa" and not ctx.autoscaled:
                continue
            text = render_template(f"deploy/{name}.yaml.j2", {"ctx": ctx})
            manifests.append(Manifest(phase, text, _parse(text)))
    kinds = ",".join(sorted({m.group_kind for m in manifests}))
    parent_text = render_template("deploy/applyset-parent.yaml.j2", {"ctx": ctx, "parent": ParentContext(tooling=APPLYSET_TOOLING, group_kinds=kinds)})
    return RenderedService(tuple(manifests), Manifest("parent", parent_text, _parse(parent_text)))
