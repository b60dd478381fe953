"""Availability: production survives the loss of one availability zone."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from platformctl.policies.inputs import get, is_true, number, of_types, references
from platformctl.policies.model import Control, Outcome, PolicyContext, ResourceView, Rule, Severity

_AVAILABILITY = Control.AVAILABILITY
PRODUCTION_AZS = 3


def _rds_multi_az(_: str, inputs: Mapping[str, Any]) -> str | None:
    if inputs.get("replicateSourceDb"):
        return None  # replicas follow their primary; the DR replica's completeness is DR-007
    return None if is_true(inputs.get("multiAz")) else "the database is single-AZ"


def _vpcs_span_azs(resources: Sequence[ResourceView], _: PolicyContext) -> Iterable[Outcome]:
    zones: dict[str, set[str]] = {}
    for subnet in of_types(resources, "aws:ec2/subnet:Subnet"):
        for vpc_name in references(subnet.inputs.get("vpcId")):
            zones.setdefault(vpc_name, set()).add(str(subnet.inputs.get("availabilityZone")))
    for vpc in of_types(resources, "aws:ec2/vpc:Vpc"):
        count = len(zones.get(vpc.name, set()))
        yield vpc, None if count >= PRODUCTION_AZS else f"spans {count} availability zone(s), not {PRODUCTION_AZS}"


def _nat_per_az(resources: Sequence[ResourceView], context: PolicyContext) -> Iterable[Outcome]:
    subnets = {s.name: s for s in of_types(resources, "aws:ec2/subnet:Subnet")}
    nat_zones: dict[str, set[str]] = {}
    for nat in of_types(resources, "aws:ec2/natGateway:NatGateway"):
        for name in references(nat.inputs.get("subnetId")):
            if name in subnets:
                for vpc_name in references(subnets[name].inputs.get("vpcId")):
                    nat_zones.setdefault(vpc_name, set()).add(str(subnets[name].inputs.get("availabilityZone")))
    for vpc in of_types(resources, "aws:ec2/vpc:Vpc"):
        if vpc.region != context.primary_region:
            continue  # the DR region's pilot light runs on one NAT until it is promoted
        count = len(nat_zones.get(vpc.name, set()))
        yield vpc, None if count >= PRODUCTION_AZS else f"has NAT gateways in {count} zone(s): losing one zone cuts egress"


def _search_zones(_: str, inputs: Mapping[str, Any]) -> str | None:
    if number(get(inputs, "clusterConfig.instanceCount")) < PRODUCTION_AZS:
        return f"{number(get(inputs, 'clusterConfig.instanceCount')):g} data nodes cannot spread over {PRODUCTION_AZS} zones"
    if not is_true(get(inputs, "clusterConfig.zoneAwarenessEnabled")):
        return "zone awareness is off"
    return None


def _cache_failover(_: str, inputs: Mapping[str, Any]) -> str | None:
    if number(inputs.get("replicasPerNodeGroup")) < 1:
        return "shards have no replica to fail over to"
    if not is_true(inputs.get("automaticFailoverEnabled")) or not is_true(inputs.get("multiAzEnabled")):
        return "automatic Multi-AZ failover is off"
    return None


def _node_groups(_: str, inputs: Mapping[str, Any]) -> str | None:
    subnets = inputs.get("subnetIds") or []
    return None if len(subnets) >= PRODUCTION_AZS else f"nodes run in {len(subnets)} subnet(s): one zone's loss stops the workloads"


RULES = (
    Rule("AV-001", "Production databases are Multi-AZ", _AVAILABILITY, Severity.MANDATORY, ("aws:rds/instance:Instance",),
         "Set multiAz=True (database.multi_az in platform.yaml).", check=_rds_multi_az, production_only=True, checkov=("CKV_AWS_157",)),
    Rule("AV-002", "Production VPCs span 3 availability zones", _AVAILABILITY, Severity.MANDATORY, ("aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet"),
         "Set network.azs to 3.", check_stack=_vpcs_span_azs, production_only=True),
    Rule("AV-003", "Production has a NAT gateway per availability zone", _AVAILABILITY, Severity.MANDATORY,
         ("aws:ec2/vpc:Vpc", "aws:ec2/natGateway:NatGateway", "aws:ec2/subnet:Subnet"),
         "Set network.nat_gateways equal to network.azs.", check_stack=_nat_per_az, production_only=True),
    Rule("AV-004", "Production OpenSearch spreads 3+ data nodes over zones", _AVAILABILITY, Severity.MANDATORY, ("aws:opensearch/domain:Domain",),
         "Set search.instance_count to 3 or more; zone awareness follows.", check=_search_zones, production_only=True),
    Rule("AV-005", "Production Redis fails over automatically across zones", _AVAILABILITY, Severity.MANDATORY,
         ("aws:elasticache/replicationGroup:ReplicationGroup",), "Set cache.replicas_per_shard to 1 or more.", check=_cache_failover,
         production_only=True),
    Rule("AV-006", "Production node groups span 3 availability zones", _AVAILABILITY, Severity.MANDATORY, ("aws:eks/nodeGroup:NodeGroup",),
         "Give the node group the private subnets of all 3 zones.", check=_node_groups, production_only=True),
)
