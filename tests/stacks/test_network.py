"""The network layer under mocks: every property the foundation issue lists, for dev and prod."""

from __future__ import annotations

import json

import pytest

from tests.stacks.conftest import of_type, one_of_type

SIZES = {"dev": {"azs": 2, "nats": 1}, "prod": {"azs": 3, "nats": 3}}


@pytest.fixture(params=["dev", "prod"])
def env(request) -> str:
    return request.param


@pytest.fixture
def network(layer_plan, env):
    return layer_plan("network", env)


def test_vpc_has_dns_and_subnet_tiers_over_the_azs(network, env) -> None:
    vpc = one_of_type(network, "aws:ec2/vpc:Vpc")
    assert vpc.inputs["enableDnsSupport"] and vpc.inputs["enableDnsHostnames"], f"{vpc.name}: VPC needs DNS support and hostnames"
    subnets = of_type(network, "aws:ec2/subnet:Subnet")
    azs = SIZES[env]["azs"]
    for tier, role_tag in (("public", "kubernetes.io/role/elb"), ("private", "kubernetes.io/role/internal-elb"), ("isolated", None)):
        tier_subnets = [s for s in subnets if s.inputs["tags"]["tier"] == tier]
        assert len(tier_subnets) == azs, f"{env}: {tier} tier needs one subnet per AZ ({azs})"
        assert len({s.inputs["availabilityZone"] for s in tier_subnets}) == azs, f"{env}: {tier} subnets must sit in distinct AZs"
        for subnet in tier_subnets:
            assert subnet.inputs["mapPublicIpOnLaunch"] is False, f"{subnet.name}: must not hand out public IPs"
            if role_tag:
                assert subnet.inputs["tags"].get(role_tag) == "1", f"{subnet.name}: missing {role_tag} tag for load balancers"


def test_nat_per_az_in_prod_and_one_in_dev(network, env) -> None:
    nats = of_type(network, "aws:ec2/natGateway:NatGateway")
    assert len(nats) == SIZES[env]["nats"], f"{env}: expected {SIZES[env]['nats']} NAT gateways, got {len(nats)}"


def test_routing_per_tier(network, env) -> None:
    tables = of_type(network, "aws:ec2/routeTable:RouteTable")
    public = [t for t in tables if "-public-rt" in t.name]
    private = [t for t in tables if "-private-rt" in t.name]
    isolated = [t for t in tables if "-isolated-rt" in t.name]
    assert len(public) == 1 and public[0].inputs["routes"][0].get("gatewayId"), "public subnets route to the internet gateway"
    assert len(private) == SIZES[env]["azs"], f"{env}: one private route table per AZ"
    for table in private:
        assert all(r.get("natGatewayId") for r in table.inputs["routes"]), f"{table.name}: private subnets route through NAT"
    assert isolated and not isolated[0].inputs.get("routes"), f"{isolated[0].name}: isolated subnets must have no route out"


def test_flow_logs_all_traffic_to_encrypted_logs(network, env) -> None:
    flow = one_of_type(network, "aws:ec2/flowLog:FlowLog")
    assert flow.inputs["trafficType"] == "ALL" and flow.inputs["logDestinationType"] == "cloud-watch-logs", f"{flow.name}: flow logs must capture ALL traffic to CloudWatch Logs"
    group = one_of_type(network, "aws:cloudwatch/logGroup:LogGroup")
    assert group.inputs.get("kmsKeyId"), f"{group.name}: flow log group must be KMS-encrypted"
    assert group.inputs["retentionInDays"] >= 1
    key = one_of_type(network, "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True, f"{key.name}: the logs key must rotate"
    principals = [s["Principal"] for s in json.loads(key.inputs["policy"])["Statement"]]
    assert all(p != "*" and p.get("AWS") != "*" for p in principals), f"{key.name}: key policy must not name a * principal"


def test_vpc_endpoints(network) -> None:
    # com.amazonaws.<region>.<service>
    services = {e.inputs["serviceName"].split(".", 3)[3]: e for e in of_type(network, "aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert set(services) == {"s3", "ecr.api", "ecr.dkr", "sts", "logs"}, f"endpoints: {sorted(services)}"
    assert services["s3"].inputs["vpcEndpointType"] == "Gateway"
    for name in ("ecr.api", "ecr.dkr", "sts", "logs"):
        endpoint = services[name]
        assert endpoint.inputs["vpcEndpointType"] == "Interface" and endpoint.inputs["privateDnsEnabled"], f"{endpoint.name}: interface endpoint with private DNS"


def test_only_the_load_balancer_is_open_to_the_internet(network) -> None:
    open_rules = [r for r in of_type(network, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if r.inputs.get("cidrIpv4") == "0.0.0.0/0"]
    assert open_rules, "the ALB must accept HTTPS from the internet"
    for rule in open_rules:
        assert "-alb-" in rule.name and rule.inputs["fromPort"] in (80, 443) and rule.inputs["fromPort"] == rule.inputs["toPort"], f"{rule.name}: 0.0.0.0/0 ingress only to the ALB on 443/80"
    for group in of_type(network, "aws:ec2/securityGroup:SecurityGroup"):
        assert not group.inputs.get("ingress"), f"{group.name}: rules belong in separate ingress-rule resources"
    default = one_of_type(network, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert default.inputs.get("ingress") in (None, []) and default.inputs.get("egress") in (None, []), f"{default.name}: the default security group must deny all"
    tiers = {g.name.rsplit("-", 1)[-1] for g in of_type(network, "aws:ec2/securityGroup:SecurityGroup")}
    assert {"alb", "app", "data"} <= tiers, f"a security group per tier, got {tiers}"
