"""The cost estimate: a hand-checked total, the sample prod plan in a justified range, unpriced types listed."""

from __future__ import annotations

import json
from importlib import resources as package_files

import pytest

from platformctl.plan.cost import estimate_cost
from platformctl.plan.model import Plan
from platformctl.plan.pricing.table import PriceTable, shipped_table
from tests.plan.conftest import crafted_plan, resource

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"


@pytest.fixture
def round_prices() -> PriceTable:
    """The shipped table with round eu-west-1 prices, so the arithmetic below can be checked by hand."""
    data = json.loads(package_files.files("platformctl.plan.pricing").joinpath("aws-prices.json").read_text())
    region = data["regions"]["eu-west-1"]
    region.update(nat_gateway_hour=0.05, nat_gateway_gb=0.05, eks_cluster_hour=0.10, ebs_gp3_gb_month=0.08, rds_gp3_gb_month=0.10, kms_key_month=1.0)
    region["ec2_hour"]["m6i.xlarge"] = 0.20
    region["rds_postgres_hour"]["db.r6g.large"] = 0.25
    data["hours_per_month"] = 730
    data["assumptions"]["nat_gb_per_gateway"] = 100
    return PriceTable.from_json(json.dumps(data))


def small_plan() -> Plan:
    return crafted_plan(
        resource("aws:ec2/natGateway:NatGateway", "nat-0", layer="network"),
        resource("aws:eks/cluster:Cluster", "eks", layer="cluster"),
        resource("aws:ec2/launchTemplate:LaunchTemplate", "nodes-lt", {"blockDeviceMappings": [{"ebs": {"volumeSize": 50}}]}, layer="cluster"),
        resource(NODE_GROUP, "nodes", {"instanceTypes": ["m6i.xlarge"], "scalingConfig": {"desiredSize": 2, "minSize": 1, "maxSize": 4},
                                       "launchTemplate": {"id": "(known after apply: nodes-lt.id)"}}, layer="cluster"),
        resource("aws:rds/instance:Instance", "db", {"instanceClass": "db.r6g.large", "allocatedStorage": 100, "multiAz": True, "engine": "postgres"}),
        resource("aws:kms/key:Key", "key"),
        resource("aws:iam/role:Role", "role"),
        resource("aws:lambda/function:Function", "fn"),
    )


def test_hand_checked_total(round_prices: PriceTable) -> None:
    estimate = estimate_cost(small_plan(), round_prices)
    cost = {i.name: i.monthly for i in estimate.items}
    # NAT gateway: 730 h × $0.05 = 36.50, plus the assumed 100 GB × $0.05 = 5.00        -> 41.50
    assert cost["nat-0"] == 41.50
    # EKS control plane: 730 h × $0.10                                                  -> 73.00
    assert cost["eks"] == 73.00
    # Node group at its desired size 2: 2 × 730 h × $0.20 = 292.00; 2 × 50 GB × $0.08 = 8.00 -> 300.00
    assert cost["nodes"] == 300.00
    # RDS Multi-AZ doubles instance and storage: 2 × 730 × $0.25 = 365.00; 2 × 100 GB × $0.10 = 20.00 -> 385.00
    assert cost["db"] == 385.00
    # KMS key: $1.00 a month                                                            -> 1.00
    assert cost["key"] == 1.00
    # 41.50 + 73.00 + 300.00 + 385.00 + 1.00 = 800.50
    assert estimate.monthly_total == 800.50
    # The node group's range: min 1 node = 146.00 + 4.00; max 4 nodes = 584.00 + 16.00
    assert (estimate.monthly_min, estimate.monthly_max) == (800.50 - 300.00 + 150.00, 800.50 - 300.00 + 600.00)
    assert estimate.by_layer == {"cluster": 373.00, "data": 386.00, "network": 41.50}
    assert estimate.no_charge_resources == 2, "the IAM role and the launch template cost nothing by themselves"


def test_an_unknown_type_is_listed_as_unpriced_never_zero(round_prices: PriceTable) -> None:
    estimate = estimate_cost(small_plan(), round_prices)
    assert [(u.name, u.type) for u in estimate.unpriced] == [("fn", "aws:lambda/function:Function")]
    assert "no price for aws:lambda/function:Function" in estimate.unpriced[0].reason
    assert "fn" not in {i.name for i in estimate.items}


def test_an_unknown_instance_type_or_region_is_unpriced_with_the_reason() -> None:
    plan = crafted_plan(
        resource(NODE_GROUP, "exotic", {"instanceTypes": ["x9z.huge"], "scalingConfig": {"desiredSize": 1}}, layer="cluster"),
        resource("aws:kms/key:Key", "far-key", region="ap-southeast-7"),
    )
    reasons = {u.name: u.reason for u in estimate_cost(plan).unpriced}
    assert "x9z.huge" in reasons["exotic"] and "ap-southeast-7" in reasons["far-key"]
    assert estimate_cost(plan).monthly_total == 0


def test_usage_priced_items_state_their_assumption() -> None:
    plan = crafted_plan(resource("aws:sqs/queue:Queue", "jobs", layer="messaging"), resource("aws:kms/key:Key", "key"))
    items = {i.name: i for i in estimate_cost(plan).items}
    assert items["jobs"].usage_priced and "million requests a month per queue" in items["jobs"].assumptions[0]
    assert not items["key"].usage_priced


def test_the_shipped_table_is_versioned_and_dated() -> None:
    table = shipped_table()
    assert table.version and table.prices_as_of.count("-") == 2 and table.currency == "USD"
    assert {"eu-west-1", "eu-central-1", "us-east-1"} <= set(table.regions)


def test_sample_prod_plan_within_a_justified_range(prod_plan: Plan) -> None:
    """The big items, from platform.yaml's prod sizes at eu-west-1 / eu-central-1 list prices:
    Redis 9 × cache.r6g.large ≈ 1,500; PostgreSQL Multi-AZ db.r6g.xlarge + 2 replicas ≈ 1,540, the DR
    replica ≈ 415; OpenSearch 3 data + 3 masters ≈ 800; EKS 2 control planes 146 + 6 nodes ≈ 950;
    NAT 6 × ≈ 40 = 240; interface endpoints 8 × 3 AZ ≈ 200. About 5,800 before usage-priced items,
    so 5,000–8,000 a month; outside that, a price or a rule is wrong."""
    estimate = estimate_cost(prod_plan)
    assert 5_000 < estimate.monthly_total < 8_000, estimate.monthly_total
    assert estimate.by_region["eu-central-1"] > 500, "the DR region's pilot light is part of the bill"
    assert estimate.monthly_min <= estimate.monthly_total < estimate.monthly_max, "node groups autoscale up to their max"
    types = set(estimate.by_type)
    for priced in ("aws:ec2/natGateway:NatGateway", "aws:eks/cluster:Cluster", NODE_GROUP, "aws:rds/instance:Instance",
                   "aws:elasticache/replicationGroup:ReplicationGroup", "aws:opensearch/domain:Domain", "aws:ec2/vpcEndpoint:VpcEndpoint",
                   "aws:kms/key:Key", "aws:secretsmanager/secret:Secret", "aws:cloudwatch/logGroup:LogGroup", "aws:backup/vault:Vault",
                   "aws:cloudfront/distribution:Distribution", "aws:wafv2/webAcl:WebAcl", "kubernetes:helm.sh/v3:Release"):
        assert priced in types, f"{priced} is in the prod plan but was not priced"
    assert [u.type for u in estimate.unpriced] == ["kubernetes:karpenter.sh/v1:NodePool"]
    assert estimate.top(1)[0].name == "redis-group"


def test_estimate_is_stable_json(prod_plan: Plan) -> None:
    assert estimate_cost(prod_plan).model_dump_json() == estimate_cost(prod_plan).model_dump_json()


def test_every_region_prices_the_same_things() -> None:
    """A plan moved to another region of the table must not turn priced resources into unpriced ones."""
    regions = shipped_table().regions
    shapes = {name: {k: sorted(v) if isinstance(v, dict) else None for k, v in prices.model_dump().items()} for name, prices in regions.items()}
    first = next(iter(shapes.values()))
    assert all(shape == first for shape in shapes.values()), {n: s for n, s in shapes.items() if s != first}
