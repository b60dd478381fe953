"""The platform's layers, what each depends on, and the order that satisfies those dependencies."""

from __future__ import annotations

from dataclasses import dataclass

from platformctl.errors import UsageError


@dataclass(frozen=True)
class LayerSpec:
    """One Pulumi project of the platform."""

    name: str
    summary: str
    depends_on: tuple[str, ...] = ()
    in_dr_region: bool = False

    @property
    def project(self) -> str:
        return f"platform-{self.name}"

    @property
    def module(self) -> str:
        return f"stacks.{self.name}.program"


# Upstream first. Independent layers could run in parallel in the cloud; the plan runs them in order.
LAYERS: tuple[LayerSpec, ...] = (
    LayerSpec("network", "VPC over 3 AZs, subnet tiers, NAT, flow logs, endpoints, security groups"),
    LayerSpec("cluster", "EKS with KMS secrets encryption, managed node groups, OIDC for IRSA", ("network",)),
    LayerSpec("identity", "Cognito user pool with MFA, app clients, the JWT issuer", ()),
    LayerSpec("addons", "Helm add-ons: ALB controller, Kong, autoscaling, DNS, Datadog, Fluent Bit; policies", ("network", "cluster", "identity")),
    LayerSpec("data", "KMS keys, RDS PostgreSQL, ElastiCache Redis, OpenSearch, S3, warehouse role", ("network", "cluster")),
    LayerSpec("messaging", "SQS queues with DLQs, SNS topics, SES, SMS settings", ()),
    LayerSpec("edge", "ACM, CloudFront, WAF, Route53", ("data",)),
    LayerSpec("backup", "AWS Backup vaults and daily plan with copies to the DR region", ("data",)),
    LayerSpec("dr", "DR region: network, replicas, replication targets, pilot-light cluster, failover DNS", ("network", "cluster", "data", "messaging", "edge"), True),
)

_BY_NAME = {spec.name: spec for spec in LAYERS}


def layer_names() -> list[str]:
    return [spec.name for spec in LAYERS]


def get_layer(name: str) -> LayerSpec:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UsageError(f"There is no layer '{name}'.", hint=f"Choose from: {', '.join(layer_names())}.") from None


def is_built(spec: LayerSpec) -> bool:
    """Whether the layer's Pulumi program is present (layers are added one by one)."""
    from platformctl.paths import stacks_dir

    return (stacks_dir() / spec.name / "program.py").is_file()


def missing_layers() -> list[str]:
    """Layers of the design whose program is not built yet; plans say so instead of failing."""
    return [spec.name for spec in LAYERS if not is_built(spec)]


def with_dependencies(selected: list[str] | None) -> list[LayerSpec]:
    """The selected layers plus everything they need, in dependency order (all built layers if none selected).

    Raises:
        UsageError: a layer is unknown, or it (or one it needs) is not built yet.
    """
    if not selected:
        return [spec for spec in LAYERS if is_built(spec) and all(is_built(get_layer(d)) for d in spec.depends_on)]
    wanted: set[str] = set()

    def visit(name: str) -> None:
        spec = get_layer(name)
        if name not in wanted:
            wanted.add(name)
            for dep in spec.depends_on:
                visit(dep)

    for name in selected:
        visit(name)
    unbuilt = [name for name in sorted(wanted) if not is_built(get_layer(name))]
    if unbuilt:
        raise UsageError(f"Layer {', '.join(unbuilt)} is not built yet in this version of platformctl.", hint=f"Plan one of: {', '.join(s.name for s in LAYERS if is_built(s))}.")
    return [spec for spec in LAYERS if spec.name in wanted]
