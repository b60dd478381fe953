"""A pinned Helm chart and the one way add-on components install it (helm.v3.Release with shared defaults)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"


@dataclass(frozen=True)
class ChartPin:
    """A chart at an exact version; `repository` is empty when `chart` is itself an oci:// reference."""

    chart: str
    version: str
    repository: str = ""

    @classmethod
    def from_config(cls, value: dict[str, str]) -> ChartPin:
        return cls(chart=value["chart"], version=value["version"], repository=value.get("repository", ""))


def service_account(name: str, role_arn: pulumi.Input[str] | None = None) -> dict[str, Any]:
    """The usual chart values for a created service account, bound to an IRSA role when given."""
    annotations = {ROLE_ARN_ANNOTATION: role_arn} if role_arn is not None else {}
    return {"create": True, "name": name, "annotations": annotations}


def install(
    resource_name: str,
    *,
    release_name: str,
    pin: ChartPin,
    namespace: pulumi.Input[str],
    values: dict[str, Any],
    provider: k8s.Provider,
    parent: pulumi.Resource,
    depends_on: list[pulumi.Resource] | None = None,
) -> k8s.helm.v3.Release:
    """Install one chart; atomic, so a failed install or upgrade rolls back instead of leaving a half release."""
    return k8s.helm.v3.Release(
        resource_name,
        name=release_name,
        chart=pin.chart,
        version=pin.version,
        repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=pin.repository) if pin.repository else None,
        namespace=namespace,
        create_namespace=False,  # the baseline owns namespaces and their Pod Security labels
        values=values,
        atomic=True,
        cleanup_on_fail=True,
        max_history=10,
        timeout=600,
        opts=pulumi.ResourceOptions(parent=parent, provider=provider, depends_on=depends_on or []),
    )


# Pod and container security contexts that satisfy Pod Security `restricted`, for charts that take them as values.
RESTRICTED_POD: dict[str, Any] = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
RESTRICTED_CONTAINER: dict[str, Any] = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}
