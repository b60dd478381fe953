"""The public entry: api.<env>.<domain> -> an internet-facing ALB (made from an Ingress) -> Kong's proxy -> a service's route.

The first test reads the addons layer's prod plan alone (upstream outputs as markers naming their source); the
request-path test chains the real layers and a generated service's stack in one plan and follows a request.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from platformctl.core.planning import layer_inputs
from platformctl.core.service_stack import ServiceRequest, resolve
from platformctl.engines.embedded.runner import EmbeddedEngine
from platformctl.paths import skeleton_dir
from platformctl.plan.model import LayerPlan, PlanResource
from tests.stacks.conftest import named, of_type

INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
RELEASE = "kubernetes:helm.sh/v3:Release"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
ALB = "alb.ingress.kubernetes.io"


def _entry(plan: LayerPlan) -> PlanResource:
    return named(plan, INGRESS, "public-entry-ingress")


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_the_alb_ingress_carries_waf_certificate_tls_redirect_security_group_logs_and_record(layer_plan, env: str) -> None:
    plan = layer_plan("addons", env)
    entry = _entry(plan)
    notes = entry.inputs["metadata"]["annotations"]
    expected = {
        f"{ALB}/scheme": "internet-facing",
        f"{ALB}/wafv2-acl-arn": "(known after apply: edge.albWebAclArn)",
        f"{ALB}/certificate-arn": "(known after apply: edge.certificateArn)",
        f"{ALB}/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        f"{ALB}/ssl-redirect": "443",
        f"{ALB}/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
        f"{ALB}/security-groups": "(known after apply: network.albSecurityGroupId)",
        f"{ALB}/target-type": "ip",
        "external-dns.alpha.kubernetes.io/hostname": "(known after apply: edge.apiHostname)",
    }
    for key, value in expected.items():
        assert notes.get(key) == value, f"{entry.name}: annotation {key} is {notes.get(key)!r}, must be {value!r}"
    attributes = dict(pair.split("=", 1) for pair in notes[f"{ALB}/load-balancer-attributes"].split(","))
    assert attributes["access_logs.s3.enabled"] == "true", f"{entry.name}: access logs on (rule: logging)"
    assert attributes["access_logs.s3.bucket"] == "(known after apply: data.accessLogsBucketName)", f"{entry.name}: logs to the platform's logs bucket"
    assert attributes["deletion_protection.enabled"] == ("true" if env == "prod" else "false"), f"{entry.name}: deletion protection in production"
    assert notes[f"{ALB}/subnets"] == ",".join(f"(known after apply: network.publicSubnetIds[{i}])" for i in range(3)), f"{entry.name}: in the public subnets"
    assert entry.inputs["spec"]["ingressClassName"] == "alb", f"{entry.name}: made by the AWS Load Balancer Controller"
    assert entry.inputs["spec"]["rules"][0]["host"] == "(known after apply: edge.apiHostname)", f"{entry.name}: serves the API hostname"
    assert plan.outputs["publicEntryHostname"] == "(known after apply: edge.apiHostname)", "addons: exports the public entry's hostname for services"
    controller = next(r for r in of_type(plan, RELEASE) if r.inputs["name"] == "aws-load-balancer-controller")
    assert controller.urn in entry.dependencies, f"{entry.name}: waits for the controller that turns it into an ALB"


@cache
def _chained(env: str) -> dict[str, LayerPlan]:
    """Every layer the entry and a public service need, and the service skeleton's stack, planned in one chain."""
    target = resolve(ServiceRequest(env=env, service_dir=skeleton_dir(), cwd=Path("/nonexistent")))
    layers = layer_inputs(target.loaded, env, [*target.stack.depends_on, "edge"])
    return {p.name: p for p in EmbeddedEngine().plan([*layers, target.stack], stack=env)}


def test_a_request_follows_record_alb_kong_proxy_service_route_in_the_prod_plan() -> None:
    plans = _chained("prod")
    edge, addons, service = plans["edge"], plans["addons"], plans["service-skeleton"]
    host = edge.outputs["apiHostname"]
    assert host == "api.prod.acme.example.com", f"edge: the API hostname is {host!r}"

    # 1. The record: external-dns publishes the entry Ingress's hostname, which is the edge layer's API hostname.
    entry = _entry(addons)
    notes = entry.inputs["metadata"]["annotations"]
    assert notes["external-dns.alpha.kubernetes.io/hostname"] == host, f"{entry.name}: external-dns must publish {host}"
    assert notes[f"{ALB}/wafv2-acl-arn"] == edge.outputs["albWebAclArn"], f"{entry.name}: the edge layer's ALB web ACL"
    assert notes[f"{ALB}/certificate-arn"] == edge.outputs["certificateArn"], f"{entry.name}: the edge layer's API certificate"

    # 2. The ALB forwards every path of that host to Kong's proxy Service.
    (rule,) = entry.inputs["spec"]["rules"]
    assert rule["host"] == host, f"{entry.name}: rule for {rule['host']}, not {host}"
    backend = rule["http"]["paths"][0]["backend"]["service"]
    proxy_namespace, proxy_name = addons.outputs["kongProxyService"].split("/")
    assert entry.inputs["metadata"]["namespace"] == proxy_namespace, f"{entry.name}: must live beside Kong's proxy Service ({proxy_namespace})"
    assert backend["name"] == proxy_name, f"{entry.name}: routes to {backend['name']}, not Kong's proxy {proxy_name}"

    # 3. Kong's proxy listens there, with no other way in.
    kong = next(r for r in of_type(addons, RELEASE) if r.inputs["name"] == "kong")
    proxy = kong.inputs["values"]["proxy"]
    assert proxy["type"] == "ClusterIP", "kong: the proxy has no load balancer of its own"
    assert proxy["http"]["servicePort"] == backend["port"]["number"], f"kong: proxy port {proxy['http']['servicePort']} must be the ALB's backend port"
    alb_only = named(addons, NETPOL, "baseline-netpol-ingress-allow-proxy-from-alb")
    sources = {peer["ipBlock"]["cidr"] for peer in alb_only.inputs["spec"]["ingress"][0]["from"]}
    network = plans["network"]
    public_ids = set(network.outputs["publicSubnetIds"])
    public = {r.inputs["cidrBlock"] for r in of_type(network, "aws:ec2/subnet:Subnet") if f"(known after apply: {r.name}.id)" in public_ids}
    assert len(public) == len(public_ids), f"network: cannot find the public subnets {sorted(public_ids)} among its subnets"
    assert sources == public, f"{alb_only.name}: the proxy admits {sources}, must be the public subnets {public} only"

    # 4. Kong routes /skeleton/ of that host to the service (its Ingress of Kong's class).
    route = named(service, INGRESS, "gateway-route")
    assert route.inputs["spec"]["ingressClassName"] == addons.outputs["ingressClass"], "gateway-route: must be Kong's ingress class"
    (service_rule,) = route.inputs["spec"]["rules"]
    assert service_rule["host"] == host, f"gateway-route: host {service_rule['host']} is not the public entry's {host}"
    path = service_rule["http"]["paths"][0]
    assert path["path"] == "/skeleton/" and path["backend"]["service"]["name"] == "skeleton", "gateway-route: /skeleton/ to the skeleton Service"
    assert route.inputs["metadata"]["namespace"] == "skeleton", "gateway-route: in the service's namespace"
    gate = named(service, NETPOL, "namespace-netpol-allow-from-gateway")
    assert gate.inputs["spec"]["ingress"][0]["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": proxy_namespace}}}], (
        "namespace-netpol-allow-from-gateway: the service admits Kong's namespace"
    )


def test_rate_limit_store_admits_kong_only_and_services_count_there() -> None:
    plans = _chained("prod")
    addons, service = plans["addons"], plans["service-skeleton"]
    kong = next(r for r in of_type(addons, RELEASE) if r.inputs["name"] == "kong")
    host = addons.outputs["rateLimitRedisHost"]
    assert host == f"kong-rate-limits.{kong.inputs['namespace']}.svc.cluster.local", f"addons: the store must sit beside Kong, not {host}"
    store_in = named(addons, NETPOL, "rate-limits-from-kong").inputs["spec"]
    (source,) = store_in["ingress"][0]["from"]
    assert source == {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "kong", "app.kubernetes.io/instance": "kong"}}}, (
        "rate-limits-from-kong: Kong's pods only"
    )
    limit = next(p for p in of_type(service, "kubernetes:configuration.konghq.com/v1:KongPlugin") if p.inputs["plugin"] == "rate-limiting")
    assert limit.inputs["config"]["redis"]["host"] == host and limit.inputs["config"]["policy"] == "redis", "gateway-rate-limit: counts in the store"


def test_the_user_pool_keys_are_credentials_of_one_platform_consumer_keyed_by_kid(layer_plan) -> None:
    plan = layer_plan("addons", "prod")
    (consumer,) = of_type(plan, "kubernetes:configuration.konghq.com/v1:KongConsumer")
    assert consumer.inputs["metadata"]["namespace"] == "ingress", f"{consumer.name}: beside Kong, with its credential Secrets"
    assert consumer.inputs["credentials"] == ["user-pool-jwt-0", "user-pool-jwt-1"], f"{consumer.name}: one credential per user pool key"
    for index in (0, 1):
        spec = named(plan, "kubernetes:external-secrets.io/v1beta1:ExternalSecret", f"user-pool-jwt-key-{index}").inputs["spec"]
        template = spec["target"]["template"]
        assert spec["target"]["name"] == f"user-pool-jwt-{index}", f"user-pool-jwt-key-{index}: makes the credential the consumer names"
        assert template["metadata"]["labels"] == {"konghq.com/credential": "jwt"}, f"user-pool-jwt-key-{index}: a Kong JWT credential"
        assert template["data"]["key"] == "{{ (.jwk | fromJson).kid }}", f"user-pool-jwt-key-{index}: keyed by the key's kid"
        assert template["data"]["rsa_public_key"] == "{{ .jwk | jwkPublicKeyPem }}" and template["data"]["algorithm"] == "RS256", (
            f"user-pool-jwt-key-{index}: PEM"
        )
        store = named(plan, "kubernetes:external-secrets.io/v1beta1:SecretStore", f"user-pool-jwks-store-{index}").inputs["spec"]["provider"]["webhook"]
        assert store["url"] == "(known after apply: identity.jwksUrl)", f"user-pool-jwks-store-{index}: the identity layer's JWKS"
        assert store["result"]["jsonPath"] == f"$.keys[{index}]", f"user-pool-jwks-store-{index}: key {index} of the set"
