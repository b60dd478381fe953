"""Monthly cost estimate of a plan: per resource, layer, type and region, from the shipped price table."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field

from platformctl.plan.model import Plan, PlanResource
from platformctl.plan.pricing.charges import Charge, NotPriced, RuleContext
from platformctl.plan.pricing.rules import RULES
from platformctl.plan.pricing.table import PriceTable, shipped_table


class CostItem(BaseModel):
    """One priced resource: its monthly cost at the planned size, and how it was reached."""

    urn: str
    name: str
    type: str
    layer: str
    region: str
    monthly: float
    monthly_min: float
    monthly_max: float
    basis: list[str]
    assumptions: list[str] = Field(default_factory=list)

    @property
    def usage_priced(self) -> bool:
        return bool(self.assumptions)


class UnpricedResource(BaseModel):
    """A resource that costs money but that the table cannot price: listed, never counted as zero."""

    urn: str
    name: str
    type: str
    layer: str
    region: str
    reason: str


class CostEstimate(BaseModel):
    """The whole estimate; sums are rounded to cents so the JSON is stable."""

    currency: str
    price_table_version: str
    prices_as_of: str
    monthly_total: float
    monthly_min: float
    monthly_max: float
    by_layer: dict[str, float]
    by_type: dict[str, float]
    by_region: dict[str, float]
    items: list[CostItem]
    unpriced: list[UnpricedResource]
    no_charge_resources: int
    assumptions: list[str]

    def top(self, count: int) -> list[CostItem]:
        """The most expensive items, dearest first (ties by name, so the order is stable)."""
        return sorted(self.items, key=lambda i: (-i.monthly, i.name))[:count]


def _cents(value: float) -> float:
    return round(value, 2)


# Billed globally whatever region the provider had; shown as such so the regions' sums stay honest.
GLOBAL_TYPES = frozenset(
    {"aws:cloudfront/distribution:Distribution", "aws:route53/zone:Zone", "aws:route53/healthCheck:HealthCheck", "aws:route53/record:Record"}
)


def _is_cloud_resource(resource: PlanResource) -> bool:
    return resource.custom and not resource.type.startswith("pulumi:")


def estimate_cost(plan: Plan, prices: PriceTable | None = None) -> CostEstimate:
    """Price every cloud resource of the plan.

    Args:
        plan: the plan document.
        prices: the price table (default: the one shipped with the package).
    Returns:
        The estimate; resource types the table has no price for are in `unpriced`, with the reason.
    """
    table = prices or shipped_table()
    context = RuleContext(plan=plan, table=table)
    items: list[CostItem] = []
    unpriced: list[UnpricedResource] = []
    free = 0
    for resource in plan.resources():
        if not _is_cloud_resource(resource):
            continue
        region = "global" if resource.type in GLOBAL_TYPES else resource.region or plan.primary_region
        try:
            charges = _charges(resource, region, context, table)
        except NotPriced as exc:
            unpriced.append(UnpricedResource(urn=resource.urn, name=resource.name, type=resource.type, layer=resource.layer, region=region, reason=str(exc)))
            continue
        if not charges:
            free += 1
            continue
        items.append(_item(resource, region, charges))
    return _summarise(table, items, unpriced, free)


def _charges(resource: PlanResource, region: str, context: RuleContext, table: PriceTable) -> list[Charge]:
    if resource.type in table.unpriced_types:
        raise NotPriced(table.unpriced_types[resource.type])
    rule = RULES.get(resource.type)
    if rule is not None:
        return rule(resource, region, context)
    if resource.type in table.no_charge_types or resource.type.startswith(table.no_charge_type_prefixes):
        return []
    raise NotPriced(f"price table {table.version} has no price for {resource.type}")


def _item(resource: PlanResource, region: str, charges: list[Charge]) -> CostItem:
    assumptions = sorted({c.assumption for c in charges if c.assumption})
    return CostItem(
        urn=resource.urn,
        name=resource.name,
        type=resource.type,
        layer=resource.layer,
        region=region,
        monthly=_cents(sum(c.monthly for c in charges)),
        monthly_min=_cents(sum(c.low for c in charges)),
        monthly_max=_cents(sum(c.high for c in charges)),
        basis=[c.basis for c in charges],
        assumptions=assumptions,
    )


def _summarise(table: PriceTable, items: list[CostItem], unpriced: list[UnpricedResource], free: int) -> CostEstimate:
    by_layer: dict[str, float] = defaultdict(float)
    by_type: dict[str, float] = defaultdict(float)
    by_region: dict[str, float] = defaultdict(float)
    for item in items:
        by_layer[item.layer] += item.monthly
        by_type[item.type] += item.monthly
        by_region[item.region] += item.monthly
    return CostEstimate(
        currency=table.currency,
        price_table_version=table.version,
        prices_as_of=table.prices_as_of,
        monthly_total=_cents(sum(i.monthly for i in items)),
        monthly_min=_cents(sum(i.monthly_min for i in items)),
        monthly_max=_cents(sum(i.monthly_max for i in items)),
        by_layer={k: _cents(v) for k, v in sorted(by_layer.items())},
        by_type={k: _cents(v) for k, v in sorted(by_type.items())},
        by_region={k: _cents(v) for k, v in sorted(by_region.items())},
        items=sorted(items, key=lambda i: i.urn),
        unpriced=sorted(unpriced, key=lambda u: u.urn),
        no_charge_resources=free,
        assumptions=sorted({a for i in items for a in i.assumptions}),
    )
