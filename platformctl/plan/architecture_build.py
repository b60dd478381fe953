"""Building the grouped architecture (architecture.py) from a plan: what goes in which frame, and the links."""

from __future__ import annotations

from platformctl.plan.architecture import Architecture, Box, Group, Link, RegionResources, cloud_resources, counted
from platformctl.plan.model import Plan, PlanResource

GLOBAL_TYPES = ("cloudfront/distribution", "route53/zone", "route53/record", "route53/healthCheck")
TIERS = (("public", "Public subnets"), ("private", "Private (app) subnets"), ("isolated", "Isolated (data) subnets"))


def build_architecture(plan: Plan, monthly_by_region: dict[str, float] | None = None) -> Architecture:
    """The plan as regions, VPC tiers, services and the links between them (DR links marked).

    Args:
        plan: the plan.
        monthly_by_region: the cost estimate's sums per region ("global" for global services), shown in the frames' titles.
    """
    costs = monthly_by_region or {}

    def priced(title: str, *regions: str) -> str:
        total = sum(costs.get(r, 0.0) for r in regions)
        return f"{title} · ≈ ${total:,.0f}/month" if total else title

    resources = cloud_resources(plan)
    edge = [r for r in resources if r.type.split(":")[1] in GLOBAL_TYPES or _cloudfront_acl(r)]
    rest = [r for r in resources if r not in edge]
    dr_compute = any(r.region == plan.dr_region and r.type in ("aws:eks/cluster:Cluster", "aws:rds/instance:Instance") for r in rest)
    regions = [(plan.primary_region, "primary", "Primary region"), (plan.dr_region, "dr", "DR region (pilot light)" if dr_compute else "DR region")]
    groups = [_edge_group(RegionResources(edge))]
    # us-east-1 holds what CloudFront needs (its certificate, WAF and log delivery) when it is neither region.
    edge_regions = ["global"] + (["us-east-1"] if "us-east-1" not in (plan.primary_region, plan.dr_region) else [])
    groups[0].title = priced(groups[0].title, *edge_regions)
    for region, key, title in regions:
        here = RegionResources([r for r in rest if (r.region or plan.primary_region) == region])
        if here.resources:
            groups.append(_region_group(here, key, priced(f"{title} · {region}", region)))
    arch = Architecture(title=f"{plan.organisation} · {plan.environment}", groups=groups, links=[])
    arch.links = [link for link in _links(plan, resources) if link.source in arch.box_ids() and link.target in arch.box_ids()]
    return arch


def _cloudfront_acl(r: PlanResource) -> bool:
    return (r.type == "aws:wafv2/webAcl:WebAcl" and r.inputs.get("scope") == "CLOUDFRONT") or "CLOUDFRONT" in str(r.inputs.get("description", ""))


def _edge_group(rs: RegionResources) -> Group:
    group = Group("global", "Global edge", "global", [Box("users", "Users", "people", ["browsers and apps"])])
    zones = rs.of("route53/zone")
    if zones:
        failover = [r for r in rs.of("route53/record") if r.inputs.get("failoverRoutingPolicies")]
        details = [str(z.inputs.get("name", z.name)) for z in zones] + [f"{rs.count('route53/record')} records"]
        if failover:
            details.append(f"failover: {failover[0].inputs.get('name')}")
        group.boxes.append(Box("dns", "Route 53", "network", details))
    for cdn in rs.of("cloudfront/distribution"):
        aliases = cdn.inputs.get("aliases") or []
        details = [str(a) for a in aliases] + (["WAF web ACL (CloudFront)"] if rs.of("wafv2/webAcl") else [])
        group.boxes.append(Box("cdn", "CloudFront", "edge", details))
    return group


def _region_group(rs: RegionResources, key: str, title: str) -> Group:
    region = Group(f"{key}_region", title, "region")
    vpcs = rs.of("ec2/vpc")
    if vpcs:
        region.groups.append(_vpc_group(rs, key, vpcs[0]))
    for services in (_data_services(rs, key), _messaging(rs, key), _security(rs, key), _operations(rs, key)):
        if services.boxes:
            region.groups.append(services)
    return region


def _vpc_group(rs: RegionResources, key: str, vpc: PlanResource) -> Group:
    subnets = rs.of("ec2/subnet")
    azs = sorted({str(s.inputs.get("availabilityZone")) for s in subnets})
    group = Group(f"{key}_vpc", f"VPC {vpc.inputs.get('cidrBlock', '')} · {len(azs)} AZs", "vpc")
    for tier, label in TIERS:
        cidrs = [str(s.inputs.get("cidrBlock")) for s in subnets if (s.inputs.get("tags") or {}).get("tier") == tier]
        frame = Group(f"{key}_{tier}", f"{label} ×{len(cidrs)}" if cidrs else label, "tier")
        frame.boxes = _tier_boxes(rs, key, tier)
        if frame.boxes:
            group.groups.append(frame)
    return group


def _tier_boxes(rs: RegionResources, key: str, tier: str) -> list[Box]:
    if tier == "public":
        return _public(rs, key)
    if tier == "private":
        return _private(rs, key)
    return _isolated(rs, key)


def _public(rs: RegionResources, key: str) -> list[Box]:
    boxes = []
    if rs.count("ec2/natGateway"):
        boxes.append(Box(f"{key}_nat", f"NAT gateway ×{rs.count('ec2/natGateway')}", "network", ["one per AZ" if rs.count("ec2/natGateway") > 1 else "shared"]))
    if any(r.inputs.get("chart") == "aws-load-balancer-controller" for r in rs.of("helm.sh/v3")):
        waf = [w for w in rs.of("wafv2/webAcl") if not _cloudfront_acl(w)]
        details = ["from Ingresses (ALB controller)"] + (["WAF web ACL (regional)"] if waf else [])
        boxes.append(Box(f"{key}_alb", "Application Load Balancer", "network", details))
    return boxes


def _private(rs: RegionResources, key: str) -> list[Box]:
    boxes = []
    for cluster in rs.of("eks/cluster"):
        access = "private endpoint" if not (cluster.inputs.get("vpcConfig") or {}).get("endpointPublicAccess", True) else "public endpoint"
        nodes = [_node_group(g) for g in rs.of("eks/nodeGroup")]
        details = [f"Kubernetes {cluster.inputs.get('version', '?')}, {access}", *nodes]
        boxes.append(Box(f"{key}_eks", f"EKS {cluster.inputs.get('name', cluster.name)}", "compute", details))
    releases = [str(r.inputs.get("name", r.name)) for r in rs.of("helm.sh/v3")]
    if releases:
        extras = ["Karpenter node pool"] if rs.of("karpenter.sh/v1") else []
        policies = rs.count("networking.k8s.io/v1")
        extras += [f"{policies} NetworkPolicies"] if policies else []
        boxes.append(Box(f"{key}_addons", "Cluster add-ons", "compute", _wrap(releases) + extras))
    endpoints = [str(e.inputs.get("serviceName", "")).rsplit(".", 2)[-1] if "ecr" not in str(e.inputs.get("serviceName")) else
                 ".".join(str(e.inputs.get("serviceName")).split(".")[-2:]) for e in rs.of("ec2/vpcEndpoint")]
    if endpoints:
        boxes.append(Box(f"{key}_endpoints", f"VPC endpoints ×{len(endpoints)}", "network", _wrap(sorted(endpoints))))
    return boxes


def _node_group(group: PlanResource) -> str:
    scaling = group.inputs.get("scalingConfig") or {}
    types = "/".join(group.inputs.get("instanceTypes") or ["?"])
    name = group.name.rsplit("-", 1)[-1]
    return f"{name}: {scaling.get('desiredSize', 0):g}× {types} ({scaling.get('minSize', 0):g}–{scaling.get('maxSize', 0):g})"


def _isolated(rs: RegionResources, key: str) -> list[Box]:
    boxes = []
    instances = rs.of("rds/instance")
    primaries = [i for i in instances if not i.inputs.get("replicateSourceDb")]
    replicas = [i for i in instances if i.inputs.get("replicateSourceDb")]
    for db in primaries:
        az = "Multi-AZ" if db.inputs.get("multiAz") else "single AZ"
        engine = f"{db.inputs.get('engine')} {db.inputs.get('engineVersion')}, {db.inputs.get('allocatedStorage', 0):g} GB"
        boxes.append(Box(f"{key}_postgres", "PostgreSQL (RDS)", "database", [f"{db.inputs.get('instanceClass')}, {az}", engine]))
    if replicas:
        title = "PostgreSQL read replicas" if primaries else "PostgreSQL cross-region replica"
        boxes.append(Box(f"{key}_postgres_replicas", title, "database", [counted([str(r.inputs.get("instanceClass")) for r in replicas])]))
    for cache in rs.of("elasticache/replicationGroup"):
        shards, replicas_per = cache.inputs.get("numNodeGroups", 1), cache.inputs.get("replicasPerNodeGroup", 0)
        boxes.append(Box(f"{key}_redis", "ElastiCache Redis", "database",
                         [f"{_plural(shards, 'shard')} × {_plural(1 + replicas_per, 'node')}", f"{cache.inputs.get('nodeType')}, TLS + IAM auth"]))
    for domain in rs.of("opensearch/domain"):
        config = domain.inputs.get("clusterConfig") or {}
        masters = f" + {config.get('dedicatedMasterCount', 0):g} masters" if config.get("dedicatedMasterEnabled") else ""
        boxes.append(Box(f"{key}_search", "OpenSearch", "database", [f"{config.get('instanceCount', 1):g}× {config.get('instanceType')}{masters}",
                                                                     str(domain.inputs.get("engineVersion", ""))]))
    return boxes


def _data_services(rs: RegionResources, key: str) -> Group:
    group = Group(f"{key}_storage", "Storage", "services")
    buckets = [str(b.inputs.get("bucket", b.name)).split("-")[-1] for b in rs.of("s3/bucket")]
    if buckets:
        group.boxes.append(Box(f"{key}_s3", f"S3 buckets ×{len(buckets)}", "storage", _wrap(buckets)))
    vaults = rs.of("backup/vault")
    if vaults:
        group.boxes.append(Box(f"{key}_backup", "AWS Backup vault", "storage", [str(v.inputs.get("name", v.name)) for v in vaults]))
    return group


def _messaging(rs: RegionResources, key: str) -> Group:
    group = Group(f"{key}_messaging", "Messaging & identity", "services")
    queues = [q for q in rs.of("sqs/queue") if "karpenter" not in str(q.inputs.get("name", q.name))]
    if queues:
        names = [q.name.removeprefix("queue-").removeprefix("dr-queues-").removesuffix("-queue") for q in queues]
        group.boxes.append(Box(f"{key}_sqs", f"SQS queues ×{len(queues)}", "integration", _wrap(names)))
    if rs.of("sns/topic"):
        group.boxes.append(Box(f"{key}_sns", f"SNS topics ×{rs.count('sns/topic')}", "integration", ["notifications, SMS"]))
    if rs.of("sesv2/emailIdentity"):
        group.boxes.append(Box(f"{key}_ses", "SES", "integration", [str(i.inputs.get("emailIdentity")) for i in rs.of("sesv2/emailIdentity")]))
    for pool in rs.of("cognito/userPool"):
        mfa = "MFA on" if pool.inputs.get("mfaConfiguration") == "ON" else "MFA optional"
        clients = f"{mfa}, {rs.count('cognito/userPoolClient')} app clients"
        group.boxes.append(Box(f"{key}_cognito", "Cognito user pool", "security", [clients, "JWT issuer for Kong"]))
    return group


def _security(rs: RegionResources, key: str) -> Group:
    group = Group(f"{key}_security", "Keys & secrets", "services")
    if rs.of("kms/key"):
        group.boxes.append(Box(f"{key}_kms", f"KMS keys ×{rs.count('kms/key')}", "security", ["rotation on"]))
    if rs.of("secretsmanager/secret"):
        group.boxes.append(Box(f"{key}_secrets", f"Secrets Manager ×{rs.count('secretsmanager/secret')}", "security", []))
    return group


def _operations(rs: RegionResources, key: str) -> Group:
    group = Group(f"{key}_operations", "Operations", "services")
    if rs.of("cloudwatch/logGroup"):
        title = f"CloudWatch log groups ×{rs.count('cloudwatch/logGroup')}"
        group.boxes.append(Box(f"{key}_logs", title, "management", ["flow logs, control plane, containers"]))
    return group


def _wrap(names: list[str], width: int = 34) -> list[str]:
    """Comma-separated names in lines of about width characters."""
    lines, line = [], ""
    for name in names:
        candidate = f"{line}, {name}" if line else name
        if len(candidate) > width and line:
            lines.append(line + ",")
            line = name
        else:
            line = candidate
    return lines + ([line] if line else [])


def _links(plan: Plan, resources: list[PlanResource]) -> list[Link]:
    links = [Link("users", "dns"), Link("dns", "cdn", "static."), Link("cdn", "primary_s3", "assets"), Link("dns", "primary_alb", "api."),
             Link("primary_alb", "primary_eks", "Ingress → Kong"), Link("primary_cognito", "primary_eks", "JWT", ranked=False),
             Link("primary_eks", "primary_postgres"), Link("primary_eks", "primary_redis"), Link("primary_eks", "primary_search"),
             Link("primary_eks", "primary_sqs"), Link("primary_eks", "primary_s3"), Link("primary_postgres", "primary_postgres_replicas", "read replicas")]
    dr = plan.dr_region
    for r in resources:
        if r.type == "aws:rds/instance:Instance" and r.region == dr and r.inputs.get("replicateSourceDb"):
            links.append(Link("primary_postgres", "dr_postgres_replicas", "async replica", dr=True))
        elif r.type.startswith("aws:s3/bucketReplicationConfig"):
            links.append(Link("primary_s3", "dr_s3", "S3 replication", dr=True))
        elif r.type == "aws:backup/plan:Plan" and any(rule.get("copyActions") for rule in r.inputs.get("rules") or []):
            links.append(Link("primary_backup", "dr_backup", "daily copy", dr=True))
        elif r.type == "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication":
            links.append(Link("primary_postgres", "dr_postgres_replicas", "automated backups", dr=True))
        elif r.type == "aws:route53/record:Record" and any(p.get("type") == "SECONDARY" for p in r.inputs.get("failoverRoutingPolicies") or []):
            links.append(Link("dns", "dr_eks", "failover", dr=True))
        elif r.type == "aws:s3/bucket:Bucket" and r.region == dr and "search-snapshots" in str(r.inputs.get("bucket")):
            links.append(Link("primary_search", "dr_s3", "snapshots", dr=True))
        elif r.type == "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup":
            links.append(Link("primary_redis", "dr_redis", "global datastore", dr=True))
    return _merge(links)


def _merge(links: list[Link]) -> list[Link]:
    """One arrow per pair: labels of the same pair joined (replica + its automated backups)."""
    merged: dict[tuple[str, str], Link] = {}
    for link in links:
        key = (link.source, link.target)
        if key in merged and link.label not in merged[key].label:
            old = merged[key]
            merged[key] = Link(old.source, old.target, f"{old.label} + {link.label}", old.dr or link.dr, old.ranked and link.ranked)
        else:
            merged.setdefault(key, link)
    return list(merged.values())


def _plural(count: float, noun: str) -> str:
    return f"{count:g} {noun}" + ("" if count == 1 else "s")
