"""The rule model: what a control is, what it reads, and the two shapes of check it may carry."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """Mandatory failures block (`plan` exits 4, CrossGuard refuses `up`); advisory ones are reported."""

    MANDATORY = "mandatory"
    ADVISORY = "advisory"


class Control(StrEnum):
    """The promises of the architecture that the rules serve, one rules module each."""

    ENCRYPTION_AT_REST = "encryption at rest"
    ENCRYPTION_IN_TRANSIT = "encryption in transit"
    NETWORK_ISOLATION = "network isolation"
    BACKUPS = "backups"
    DISASTER_RECOVERY = "disaster recovery"
    LEAST_PRIVILEGE = "least privilege"
    LOGGING_AND_AUDIT = "logging and audit"
    AVAILABILITY = "availability"
    DATA_RESIDENCY = "data residency"


@dataclass(frozen=True)
class ResourceView:
    """One resource as both a plan and CrossGuard see it: a type token, a name, camelCase inputs, a region."""

    type: str
    name: str
    urn: str
    inputs: Mapping[str, Any]
    region: str | None = None


@dataclass(frozen=True)
class PolicyContext:
    """What the rules need to know beyond the resources: the environment and the platform's promises."""

    environment: str
    production: bool
    primary_region: str
    dr_region: str
    rpo_minutes: int = 60
    rto_minutes: int = 240
    dr_enabled: bool = True


# A per-resource check: (type token, inputs) -> a violation sentence, or None when the resource complies.
ResourceCheck = Callable[[str, Mapping[str, Any]], "str | None"]
# A cross-resource check: every resource of the stack(s) -> (resource, violation or None) per subject.
Outcome = tuple[ResourceView, "str | None"]
StackCheck = Callable[[Sequence[ResourceView], PolicyContext], Iterable[Outcome]]


@dataclass(frozen=True)
class Rule:
    """One control check, written once and enforced on plans and by the CrossGuard pack."""

    id: str
    title: str
    control: Control
    severity: Severity
    resource_types: tuple[str, ...]
    remediation: str
    check: ResourceCheck | None = None
    check_stack: StackCheck | None = None
    production_only: bool = False
    checkov: tuple[str, ...] = ()
    awsguard: str | None = None

    def __post_init__(self) -> None:
        if (self.check is None) == (self.check_stack is None):
            raise ValueError(f"rule {self.id} needs exactly one of check or check_stack")

    def applies(self, context: PolicyContext) -> bool:
        return context.production or not self.production_only
