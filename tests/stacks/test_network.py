"""The network layer under mocks: every property its issue lists, for the sample's dev (2 AZs, 1 NAT) and prod (3 AZs, 3 NATs)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from platformctl.config.stack_config import layer_config
from platformctl.plan.model import LayerPlan, PlanResource
from stacks.outputs import OUTPUTS, Layer
from tests.stacks.conftest import FakeConfig, assert_platform_tags, named, of_type, one_of_type, sample_platform

SIZES = {"dev": {"azs": 2, "nats": 1}, "prod": {"azs": 3, "nats": 3}}
TIERS = {"public": "publicSubnetCidrs", "private": "privateSubnetCidrs", "isolated": "isolatedSubnetCidrs"}
LB_ROLE_TAGS = {"public": "kubernetes.io/role/elb", "private": "kubernetes.io/role/internal-elb"}
INTERFACE_SERVICES = {"ecr.api", "ecr.dkr", "sts", "logs"}
NOT_TAGGABLE = {"aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:iam/rolePolicy:RolePolicy"}


@pytest.fixture(params=["dev", "prod"])
def env(request) -> str:
    return request.param


@pytest.fixture
def network(layer_plan, env) -> LayerPlan:
    return layer_plan("network", env)


@pytest.fixture
def config(env) -> dict[str, Any]:
    return layer_config(sample_platform().platform, env, "network")


def ref(resource: PlanResource, attr: str = "id") -> str:
    """How the plan shows an output of another resource of the layer."""
    return f"(known after apply: {resource.name}.{attr})"



def tier_subnets(plan: LayerPlan, tier: str) -> list[PlanResource]:
    """The tier's subnets in AZ order (subnet i is named <prefix>-<tier>-<i>)."""
    subnets = [s for s in of_type(plan, "aws:ec2/subnet:Subnet") if s.inputs["tags"].get("tier") == tier]
    return sorted(subnets, key=lambda s: int(s.name.rsplit("-", 1)[1]))


def table_of(plan: LayerPlan, subnet: PlanResource) -> PlanResource:
    """The route table a subnet is associated with (exactly one association per subnet)."""
    links = [a for a in of_type(plan, "aws:ec2/routeTableAssociation:RouteTableAssociation") if a.inputs["subnetId"] == ref(subnet)]
    assert len(links) == 1, f"{subnet.name}: needs exactly one route table association, has {len(links)}"
    tables = [t for t in of_type(plan, "aws:ec2/routeTable:RouteTable") if ref(t) == links[0].inputs["routeTableId"]]
    assert len(tables) == 1, f"{links[0].name}: associates {subnet.name} with no route table of the layer"
    return tables[0]


def principals(statement: dict[str, Any]) -> list[str]:
    principal = statement.get("Principal", {})
    if isinstance(principal, str):
        return [principal]
    return [p for value in principal.values() for p in (value if isinstance(value, list) else [value])]


def test_vpc_has_dns_and_the_configured_cidr(network, config) -> None:
    vpc = one_of_type(network, "aws:ec2/vpc:Vpc")
    assert vpc.inputs["cidrBlock"] == config["vpcCidr"], f"{vpc.name}: VPC CIDR must be vpcCidr {config['vpcCidr']}"
    assert vpc.inputs["enableDnsSupport"] is True, f"{vpc.name}: VPC needs DNS support (enableDnsSupport)"
    assert vpc.inputs["enableDnsHostnames"] is True, f"{vpc.name}: VPC needs DNS hostnames (enableDnsHostnames) for private endpoints"


def test_vpc_spans_three_azs_in_prod_and_two_in_dev(network, env, config) -> None:
    azs = network.outputs["azs"]
    assert config["azCount"] == SIZES[env]["azs"], f"{env}: the sample's azCount changed: {config['azCount']}"
    assert len(azs) == len(set(azs)) == SIZES[env]["azs"], f"network/{env}: must span {SIZES[env]['azs']} distinct AZs, got {azs}"
    region = sample_platform().platform.regions.primary
    assert all(az.startswith(region) for az in azs), f"network/{env}: AZs {azs} must be in the primary region {region}"


def test_subnet_tiers_use_the_configured_cidrs_one_per_az(network, env, config) -> None:
    vpc = one_of_type(network, "aws:ec2/vpc:Vpc")
    azs = network.outputs["azs"]
    for tier, key in TIERS.items():
        subnets = tier_subnets(network, tier)
        assert [s.inputs["cidrBlock"] for s in subnets] == config[key], f"network/{env}: {tier} subnets must use {key} {config[key]} in AZ order"
        assert [s.inputs["availabilityZone"] for s in subnets] == azs, f"network/{env}: {tier} subnet i must sit in AZ i of {azs}"
        for subnet in subnets:
            assert subnet.inputs["vpcId"] == ref(vpc), f"{subnet.name}: must belong to {vpc.name}"
            assert subnet.inputs["mapPublicIpOnLaunch"] is False, f"{subnet.name}: must not auto-assign public IPs (mapPublicIpOnLaunch)"
            tags = subnet.inputs["tags"]
            for role_tier, role_tag in LB_ROLE_TAGS.items():
                if role_tier == tier:
                    assert tags.get(role_tag) == "1", f"{subnet.name}: {tier} subnets need the {role_tag}=1 tag for Kubernetes load balancers"
                else:
                    assert role_tag not in tags, f"{subnet.name}: {tier} subnets must not carry {role_tag}"


def test_internet_gateway_and_nat_gateways_with_elastic_ips(network, env) -> None:
    vpc = one_of_type(network, "aws:ec2/vpc:Vpc")
    igw = one_of_type(network, "aws:ec2/internetGateway:InternetGateway")
    assert igw.inputs["vpcId"] == ref(vpc), f"{igw.name}: internet gateway must be attached to {vpc.name}"
    nats = sorted(of_type(network, "aws:ec2/natGateway:NatGateway"), key=lambda n: n.name)
    eips = {ref(e): e for e in of_type(network, "aws:ec2/eip:Eip")}
    assert len(nats) == SIZES[env]["nats"], f"network/{env}: expected {SIZES[env]['nats']} NAT gateways (natGateways), got {len(nats)}"
    assert len(eips) == len(nats), f"network/{env}: one Elastic IP per NAT gateway, got {len(eips)} for {len(nats)}"
    public = tier_subnets(network, "public")
    for i, nat in enumerate(nats):
        eip = eips.get(nat.inputs["allocationId"])
        assert eip is not None and eip.inputs["domain"] == "vpc", f"{nat.name}: needs its own VPC Elastic IP (allocationId)"
        assert nat.inputs["subnetId"] == ref(public[i]), f"{nat.name}: NAT gateway {i} belongs in public subnet {i} (its AZ)"
        assert igw.urn in nat.dependencies, f"{nat.name}: a NAT gateway must wait for the internet gateway"
    assert len({n.inputs["allocationId"] for n in nats}) == len(nats), f"network/{env}: NAT gateways must not share an Elastic IP"


def test_public_routes_to_the_internet_gateway(network) -> None:
    igw = one_of_type(network, "aws:ec2/internetGateway:InternetGateway")
    for subnet in tier_subnets(network, "public"):
        table = table_of(network, subnet)
        assert table.inputs["routes"] == [{"cidrBlock": "0.0.0.0/0", "gatewayId": ref(igw)}], f"{table.name}: public subnets route 0.0.0.0/0 to {igw.name} only"


def test_private_routes_to_the_nat_of_its_az(network, env) -> None:
    nats = {ref(n): n for n in of_type(network, "aws:ec2/natGateway:NatGateway")}
    public = tier_subnets(network, "public")
    tables = set()
    for i, subnet in enumerate(tier_subnets(network, "private")):
        table = table_of(network, subnet)
        tables.add(table.name)
        routes = table.inputs["routes"]
        assert len(routes) == 1 and routes[0]["cidrBlock"] == "0.0.0.0/0", f"{table.name}: private subnets need one default route"
        nat = nats.get(routes[0].get("natGatewayId", ""))
        assert nat is not None and not routes[0].get("gatewayId"), f"{table.name}: private subnets leave through a NAT gateway, never the IGW"
        # With a NAT per AZ (prod) each AZ uses the NAT in its own public subnet; with one (dev) every AZ shares it.
        expected_subnet = public[i] if SIZES[env]["nats"] == SIZES[env]["azs"] else public[0]
        assert nat.inputs["subnetId"] == ref(expected_subnet), f"{table.name}: {subnet.name} must route to the NAT in {expected_subnet.name}"
    assert len(tables) == SIZES[env]["azs"], f"network/{env}: one private route table per AZ, got {sorted(tables)}"


def test_isolated_subnets_have_no_route_to_the_internet(network) -> None:
    for subnet in tier_subnets(network, "isolated"):
        table = table_of(network, subnet)
        assert table.inputs.get("routes") == [], f"{table.name}: isolated (data) subnets must have no route out (routes: [] keeps them exclusive)"
    assert not network.by_type("aws:ec2/route:Route"), "network: routes belong inline in their tables, a separate Route could open the isolated tier"


def test_flow_logs_capture_all_traffic_to_an_encrypted_group(network, env, config) -> None:
    vpc = one_of_type(network, "aws:ec2/vpc:Vpc")
    flow = one_of_type(network, "aws:ec2/flowLog:FlowLog")
    group = one_of_type(network, "aws:cloudwatch/logGroup:LogGroup")
    key = one_of_type(network, "aws:kms/key:Key")
    role = one_of_type(network, "aws:iam/role:Role")
    assert flow.inputs["vpcId"] == ref(vpc), f"{flow.name}: flow logs must cover {vpc.name}"
    assert flow.inputs["trafficType"] == "ALL", f"{flow.name}: flow logs must capture ALL traffic (trafficType)"
    assert flow.inputs["logDestinationType"] == "cloud-watch-logs" and flow.inputs["logDestination"] == ref(group, "arn"), (
        f"{flow.name}: flow logs go to {group.name} in CloudWatch Logs"
    )
    assert flow.inputs["iamRoleArn"] == ref(role, "arn"), f"{flow.name}: delivery needs the flow-logs IAM role"
    assert group.inputs["retentionInDays"] == config["flowLogRetentionDays"], (
        f"{group.name}: retention must be flowLogRetentionDays {config['flowLogRetentionDays']}"
    )
    assert group.inputs["kmsKeyId"] == ref(key, "arn"), f"{group.name}: flow log group must be encrypted with {key.name} (kmsKeyId)"
    assert key.inputs["enableKeyRotation"] is True, f"{key.name}: the logs key must rotate (enableKeyRotation)"
    for resource in (key, group):
        assert resource.protect is (env == "prod"), f"{resource.name}: protected in production only (audit evidence), protect={resource.protect}"


def test_logs_key_policy_admits_cloudwatch_logs_and_no_wildcard_principal(network) -> None:
    key = one_of_type(network, "aws:kms/key:Key")
    statements = json.loads(key.inputs["policy"])["Statement"]
    for statement in statements:
        assert "*" not in principals(statement), f"{key.name}: statement {statement.get('Sid')} names a * principal"
    region = sample_platform().platform.regions.primary
    logs = [s for s in statements if f"logs.{region}.amazonaws.com" in principals(s) and s["Effect"] == "Allow"]
    assert logs, f"{key.name}: the key policy must let CloudWatch Logs (logs.{region}.amazonaws.com) use the key"
    actions = set(logs[0]["Action"])
    assert {"kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"} <= actions, (
        f"{key.name}: CloudWatch Logs needs encrypt/decrypt/data keys, got {sorted(actions)}"
    )
    assert "kms:EncryptionContext:aws:logs:arn" in json.dumps(logs[0].get("Condition")), f"{key.name}: limit CloudWatch Logs to this account's log groups"


def test_flow_logs_role_is_for_flow_logs_delivery_only(network) -> None:
    role = one_of_type(network, "aws:iam/role:Role")
    group = one_of_type(network, "aws:cloudwatch/logGroup:LogGroup")
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert [principals(s) for s in trust] == [["vpc-flow-logs.amazonaws.com"]], f"{role.name}: only the flow-logs service may assume the role"
    policy = one_of_type(network, "aws:iam/rolePolicy:RolePolicy")
    assert policy.inputs["role"] == ref(role), f"{policy.name}: must be attached to {role.name}"
    statements = json.loads(policy.inputs["policy"])["Statement"]
    assert all("*" not in json.dumps(s["Resource"]).replace(":*", "") for s in statements), f"{policy.name}: write to {group.name} only, no * resource"
    assert any("logs:PutLogEvents" in s["Action"] and ref(group, "arn") in s["Resource"] for s in statements), (
        f"{policy.name}: must allow logs:PutLogEvents on {group.name}"
    )


def test_vpc_endpoints(network, config) -> None:
    endpoints = {e.inputs["serviceName"].split(".", 3)[3]: e for e in of_type(network, "aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert set(endpoints) == {"s3"} | INTERFACE_SERVICES, f"network: endpoints must be S3, ECR api/dkr, STS, logs, got {sorted(endpoints)}"
    s3 = endpoints["s3"]
    data_tables = {ref(table_of(network, s)) for tier in ("private", "isolated") for s in tier_subnets(network, tier)}
    assert s3.inputs["vpcEndpointType"] == "Gateway", f"{s3.name}: S3 is a gateway endpoint"
    assert set(s3.inputs["routeTableIds"]) == data_tables, f"{s3.name}: must sit on the private and isolated route tables"
    group = named(network, "aws:ec2/securityGroup:SecurityGroup", f"{s3.name.rsplit('-endpoints', 1)[0]}-sg-endpoints")
    private = [ref(s) for s in tier_subnets(network, "private")]
    for service in INTERFACE_SERVICES:
        endpoint = endpoints[service]
        assert endpoint.inputs["vpcEndpointType"] == "Interface", f"{endpoint.name}: {service} is an interface endpoint"
        assert endpoint.inputs["privateDnsEnabled"] is True, f"{endpoint.name}: interface endpoints need private DNS"
        assert endpoint.inputs["subnetIds"] == private, f"{endpoint.name}: interface endpoints belong in the private subnets"
        assert endpoint.inputs["securityGroupIds"] == [ref(group)], f"{endpoint.name}: interface endpoints use their own security group {group.name}"
    rules = [r for r in network.by_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if r.inputs["securityGroupId"] == ref(group)]
    admitted = [(r.inputs.get("cidrIpv4"), r.inputs["ipProtocol"], r.inputs["fromPort"], r.inputs["toPort"]) for r in rules]
    assert admitted == [(config["vpcCidr"], "tcp", 443, 443)], \
        f"{group.name}: must admit 443 from the VPC CIDR {config['vpcCidr']} only"


def test_security_group_per_tier_and_only_the_load_balancer_open(network) -> None:
    groups = {g.name.rsplit("-", 1)[-1]: g for g in of_type(network, "aws:ec2/securityGroup:SecurityGroup")}
    assert {"alb", "app", "data"} <= set(groups), f"network: a security group per tier (alb, app, data), got {sorted(groups)}"
    for group in groups.values():
        assert not group.inputs.get("ingress") and not group.inputs.get("egress"), (
            f"{group.name}: rules belong in separate SecurityGroupIngressRule/EgressRule resources"
        )
    ingress = of_type(network, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    open_ports = set()
    for rule in ingress:
        if rule.inputs.get("cidrIpv4") == "0.0.0.0/0" or rule.inputs.get("cidrIpv6") == "::/0":
            assert rule.inputs["securityGroupId"] == ref(groups["alb"]), f"{rule.name}: internet ingress only to the load balancer group"
            assert rule.inputs["fromPort"] == rule.inputs["toPort"] and rule.inputs["fromPort"] in (443, 80), (
                f"{rule.name}: internet ingress only on 443 (and 80 to redirect)"
            )
            open_ports.add(rule.inputs["fromPort"])
    assert open_ports == {443, 80}, f"network: the load balancer must accept 443 and 80 from the internet, got {sorted(open_ports)}"
    for rule in ingress:
        if rule.inputs["securityGroupId"] == ref(groups["data"]):
            assert rule.inputs.get("referencedSecurityGroupId") == ref(groups["app"]), f"{rule.name}: the data tier admits the app tier only"


def test_default_security_group_denies_all(network) -> None:
    vpc = one_of_type(network, "aws:ec2/vpc:Vpc")
    default = one_of_type(network, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert default.inputs["vpcId"] == ref(vpc), f"{default.name}: must manage {vpc.name}'s default group"
    assert default.inputs.get("ingress") == [] and default.inputs.get("egress") == [], (
        f"{default.name}: the default security group must have no rules (deny all)"
    )


def test_exports_every_declared_output(network, env, config) -> None:
    outputs = network.outputs
    assert set(outputs) == set(OUTPUTS[Layer.NETWORK]), f"network/{env}: exports {sorted(outputs)}, declared {sorted(OUTPUTS[Layer.NETWORK])}"
    for name, kind in OUTPUTS[Layer.NETWORK].items():
        assert isinstance(outputs[name], kind), f"network/{env}: output {name} must be a {kind.__name__}, got {outputs[name]!r}"
    groups = {g.name.rsplit("-", 1)[-1]: g for g in of_type(network, "aws:ec2/securityGroup:SecurityGroup")}
    expected = {
        "vpcId": ref(one_of_type(network, "aws:ec2/vpc:Vpc")),
        "vpcCidr": config["vpcCidr"],
        **{f"{tier}SubnetIds": [ref(s) for s in tier_subnets(network, tier)] for tier in TIERS},
        **{f"{tier}SecurityGroupId": ref(groups[tier]) for tier in ("alb", "app", "data")},
        "endpointSecurityGroupId": ref(groups["endpoints"]),
        "flowLogGroupName": one_of_type(network, "aws:cloudwatch/logGroup:LogGroup").inputs["name"],
        "logsKeyArn": ref(one_of_type(network, "aws:kms/key:Key"), "arn"),
        "natPublicIps": [ref(e, "publicIp") for e in sorted(of_type(network, "aws:ec2/eip:Eip"), key=lambda e: e.name)],
    }
    for name, value in expected.items():
        assert outputs[name] == value, f"network/{env}: output {name} must be {value!r}, got {outputs[name]!r}"


def test_every_taggable_resource_carries_the_platform_tags(network, config) -> None:
    assert_platform_tags(network, config["tags"], NOT_TAGGABLE, at_least=35)




@pytest.mark.parametrize(("change", "error"), [
    ({"production": True, "natGateways": 1}, "production needs 3 AZs and a NAT gateway per AZ"),
    ({"production": True, "azCount": 2, "natGateways": 2}, "production needs 3 AZs"),
    ({"privateSubnetCidrs": ["10.30.0.0/18"]}, "privateSubnetCidrs lists 1 CIDRs for azCount 3"),
])
def test_program_refuses_a_network_the_issue_forbids(change: dict[str, Any], error: str) -> None:
    """`pulumi up` in stacks/network without platformctl must keep the production shape too."""
    from stacks.network.settings import NetworkSettings

    values = layer_config(sample_platform().platform, "prod", "network")
    assert NetworkSettings.from_config(FakeConfig(values)).nat_gateways == 3, "the sample's prod must pass as it is"
    if change.get("azCount") == 2:
        change = {**change, **{key: values[key][:2] for key in TIERS.values()}}
    with pytest.raises(ValueError, match=error):
        NetworkSettings.from_config(FakeConfig({**values, **change}))
