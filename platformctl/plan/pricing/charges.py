"""What a pricing rule works with: a charge, the "cannot price this" signal, and the plan and table it reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from platformctl.plan.model import UNKNOWN_PREFIX, Plan, PlanResource
from platformctl.plan.pricing.table import Assumptions, GlobalPrices, PriceTable, RegionPrices


class NotPriced(Exception):
    """The resource costs money but the table cannot say how much; the message says why."""


@dataclass(frozen=True)
class Charge:
    """One line of a resource's bill: `low`/`high` differ only where the plan gives a range (autoscaling)."""

    basis: str
    monthly: float
    assumption: str | None = None
    minimum: float | None = None
    maximum: float | None = None

    @property
    def low(self) -> float:
        return self.monthly if self.minimum is None else self.minimum

    @property
    def high(self) -> float:
        return self.monthly if self.maximum is None else self.maximum


@dataclass
class RuleContext:
    plan: Plan
    table: PriceTable

    @property
    def hours(self) -> float:
        return self.table.hours_per_month

    @property
    def assume(self) -> Assumptions:
        return self.table.assumptions

    @property
    def world(self) -> GlobalPrices:
        return self.table.global_

    def prices(self, region: str) -> RegionPrices:
        if region not in self.table.regions:
            raise NotPriced(f"price table {self.table.version} has no prices for region {region}")
        return self.table.regions[region]

    @cached_property
    def by_name(self) -> dict[str, PlanResource]:
        found: dict[str, PlanResource] = {}
        for resource in self.plan.resources():
            found.setdefault(resource.name, resource)
        return found

    def referenced(self, value: Any) -> PlanResource | None:
        """The plan resource an unknown value such as "(known after apply: NAME.arn)" points at."""
        if isinstance(value, str) and value.startswith(UNKNOWN_PREFIX):
            name = value[len(UNKNOWN_PREFIX):].rstrip(")").rsplit(".", 1)[0]
            return self.by_name.get(name)
        return None

    def rds_source(self, value: Any) -> PlanResource | None:
        """A read replica's source: an identifier in the same region, or a reference to another region's ARN."""
        found = self.referenced(value)
        if found is not None:
            return found
        for resource in self.plan.resources():
            if resource.type == RDS_INSTANCE and resource.inputs.get("identifier") == value:
                return resource
        return None


def rate_of(table: dict[str, float], key: Any, what: str, region: str) -> float:
    if not isinstance(key, str) or key not in table:
        raise NotPriced(f"no {what} price for {key!r} in {region}")
    return table[key]


def number(value: Any, default: float = 0.0) -> float:
    return float(value) if isinstance(value, int | float) else default


def money(value: float) -> str:
    return f"${value:,.4f}".rstrip("0").rstrip(".")


Rule = Callable[[PlanResource, str, RuleContext], list[Charge]]
RDS_INSTANCE = "aws:rds/instance:Instance"
