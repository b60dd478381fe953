"""The architecture a plan describes, grouped the way people draw it: regions, VPC tiers, services, links.

The diagram renders this model; it is built only from the plan (resource types, their inputs and the
references between them), so the picture can never show something the plan does not contain.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from platformctl.plan.model import Plan, PlanResource

Kind = Literal["compute", "database", "network", "storage", "integration", "security", "management", "edge", "people"]


@dataclass
class Box:
    """One node: a resource or a group of alike resources (e.g. "NAT gateway ×3")."""

    id: str
    title: str
    kind: Kind
    details: list[str] = field(default_factory=list)


@dataclass
class Group:
    """A frame around boxes: a region, its VPC, a subnet tier, or a family of regional services."""

    id: str
    title: str
    style: Literal["region", "vpc", "tier", "services", "global"]
    boxes: list[Box] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)

    def box_ids(self) -> set[str]:
        return {b.id for b in self.boxes} | {i for g in self.groups for i in g.box_ids()}


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    label: str = ""
    dr: bool = False  # replication or failover to the DR region
    ranked: bool = True  # False: drawn, but not allowed to push boxes down (links across regions or back up)

    def __post_init__(self) -> None:
        if self.dr:
            object.__setattr__(self, "ranked", False)


@dataclass
class Architecture:
    title: str
    groups: list[Group]
    links: list[Link]

    def box_ids(self) -> set[str]:
        return {i for g in self.groups for i in g.box_ids()}


class RegionResources:
    """The cloud resources of one region, by type."""

    def __init__(self, resources: list[PlanResource]):
        self.resources = resources
        self.by_type: dict[str, list[PlanResource]] = {}
        for r in resources:
            self.by_type.setdefault(r.type, []).append(r)

    def of(self, short: str) -> list[PlanResource]:
        """Resources whose type token's middle part is short, e.g. "rds/instance"."""
        return [r for t, rs in self.by_type.items() if t.split(":")[1] == short for r in rs]

    def count(self, short: str) -> int:
        return len(self.of(short))


def counted(names: list[str]) -> str:
    """"a, b ×2, c": names in order, repeated ones counted."""
    counts = Counter(names)
    return ", ".join(f"{n} ×{counts[n]}" if counts[n] > 1 else n for n in dict.fromkeys(names))


def cloud_resources(plan: Plan) -> list[PlanResource]:
    return [r for r in plan.resources() if r.custom and not r.type.startswith("pulumi:")]
