"""Pricing rules for compute and data stores: NAT gateways, EKS, node groups, RDS, ElastiCache, OpenSearch."""

from __future__ import annotations

from platformctl.plan.model import PlanResource
from platformctl.plan.pricing.charges import Charge, NotPriced, RuleContext, money, number, rate_of


def nat_gateway(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p, gb = c.prices(region), c.assume.nat_gb_per_gateway
    return [
        Charge(f"{c.hours:g} h × {money(p.nat_gateway_hour)}", c.hours * p.nat_gateway_hour),
        Charge(f"{gb:g} GB processed × {money(p.nat_gateway_gb)}", gb * p.nat_gateway_gb, f"{gb:g} GB a month through each NAT gateway"),
    ]


def public_ip(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p = c.prices(region)
    return [Charge(f"public IPv4 {c.hours:g} h × {money(p.public_ipv4_hour)}", c.hours * p.public_ipv4_hour)]


def eks_cluster(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p = c.prices(region)
    return [Charge(f"control plane {c.hours:g} h × {money(p.eks_cluster_hour)}", c.hours * p.eks_cluster_hour)]


def node_group(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p = c.prices(region)
    types = r.inputs.get("instanceTypes") or []
    if not types:
        raise NotPriced("the node group names no instance type")
    rate = rate_of(p.ec2_hour, types[0], "EC2", region)
    scaling = r.inputs.get("scalingConfig") or {}
    desired = number(scaling.get("desiredSize"), 1)
    low, high = number(scaling.get("minSize"), desired), number(scaling.get("maxSize"), desired)
    node = c.hours * rate
    disk, disk_note = _root_volume_gb(r, c)
    volume = disk * p.ebs_gp3_gb_month
    return [
        Charge(f"{desired:g} × {types[0]} × {c.hours:g} h × {money(rate)} (min {low:g}, max {high:g})", desired * node, None, low * node, high * node),
        Charge(f"{desired:g} × {disk:g} GB gp3 × {money(p.ebs_gp3_gb_month)}", desired * volume, disk_note, low * volume, high * volume),
    ]


def _root_volume_gb(r: PlanResource, c: RuleContext) -> tuple[float, str | None]:
    template = c.referenced((r.inputs.get("launchTemplate") or {}).get("id"))
    if template is not None:
        for mapping in template.inputs.get("blockDeviceMappings") or []:
            size = (mapping.get("ebs") or {}).get("volumeSize")
            if isinstance(size, int | float):
                return float(size), None
    if isinstance(r.inputs.get("diskSize"), int | float):
        return float(r.inputs["diskSize"]), None
    gb = c.assume.node_root_volume_gb
    return gb, f"{gb:g} GB root volume per node (EKS default)"


def rds_instance(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p, i = c.prices(region), r.inputs
    source = c.rds_source(i.get("replicateSourceDb")) if i.get("replicateSourceDb") else None
    engine = i.get("engine") or (source.inputs.get("engine") if source else None)
    if engine not in ("postgres", None):
        raise NotPriced(f"the table prices RDS PostgreSQL only, not {engine}")
    rate = rate_of(p.rds_postgres_hour, i.get("instanceClass"), "RDS PostgreSQL", region)
    copies = 2 if i.get("multiAz") is True else 1
    storage = i.get("allocatedStorage") or (source.inputs.get("allocatedStorage") if source else None)
    if not isinstance(storage, int | float):
        raise NotPriced("its storage size is not in the plan")
    az = " Multi-AZ ×2" if copies == 2 else ""
    role = f" (replica of {source.name})" if source is not None else ""
    return [
        Charge(f"{i['instanceClass']}{role} {c.hours:g} h × {money(rate)}{az}", copies * c.hours * rate),
        Charge(f"{storage:g} GB gp3 × {money(p.rds_gp3_gb_month)}{az}", copies * float(storage) * p.rds_gp3_gb_month),
    ]


def rds_backup_replication(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p = c.prices(region)
    source = c.referenced(r.inputs.get("sourceDbInstanceArn"))
    gb = number(source.inputs.get("allocatedStorage"), 0) if source else 0
    if not gb:
        raise NotPriced("the source instance's storage is not in the plan")
    note = f"replicated backups about the source's {gb:g} GB"
    return [
        Charge(f"{gb:g} GB backup storage × {money(p.rds_backup_gb_month)}", gb * p.rds_backup_gb_month, note),
        Charge(f"{gb:g} GB copied across regions × {money(p.inter_region_gb)}", gb * p.inter_region_gb, note),
    ]


def cache_group(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p, i = c.prices(region), r.inputs
    rate = rate_of(p.elasticache_hour, i.get("nodeType"), "ElastiCache", region)
    if isinstance(i.get("numNodeGroups"), int | float):
        nodes = number(i["numNodeGroups"]) * (1 + number(i.get("replicasPerNodeGroup")))
        shape = f"{i['numNodeGroups']:g} shards × {1 + number(i.get('replicasPerNodeGroup')):g} nodes"
    else:
        nodes = number(i.get("numCacheClusters"), 1)
        shape = f"{nodes:g} nodes"
    return [Charge(f"{shape} × {i['nodeType']} × {c.hours:g} h × {money(rate)}", nodes * c.hours * rate)]


def search_domain(r: PlanResource, region: str, c: RuleContext) -> list[Charge]:
    p = c.prices(region)
    cluster, ebs = r.inputs.get("clusterConfig") or {}, r.inputs.get("ebsOptions") or {}
    count = number(cluster.get("instanceCount"), 1)
    rate = rate_of(p.opensearch_hour, cluster.get("instanceType"), "OpenSearch", region)
    charges = [Charge(f"{count:g} × {cluster['instanceType']} × {c.hours:g} h × {money(rate)}", count * c.hours * rate)]
    if cluster.get("dedicatedMasterEnabled"):
        masters = number(cluster.get("dedicatedMasterCount"), 3)
        master_rate = rate_of(p.opensearch_hour, cluster.get("dedicatedMasterType"), "OpenSearch", region)
        basis = f"{masters:g} masters × {cluster['dedicatedMasterType']} × {c.hours:g} h × {money(master_rate)}"
        charges.append(Charge(basis, masters * c.hours * master_rate))
    if ebs.get("ebsEnabled"):
        gb = number(ebs.get("volumeSize"), 10)
        charges.append(Charge(f"{count:g} × {gb:g} GB gp3 × {money(p.opensearch_gp3_gb_month)}", count * gb * p.opensearch_gp3_gb_month))
    return charges
