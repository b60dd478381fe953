"""The addons layer on the recorded plan: pinned Helm releases, IRSA wiring, Pod Security, default deny, RBAC, Kong, secrets."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from platformctl.config.credentials import credential_kind
from platformctl.config.loader import LoadedPlatform, parse_platform
from platformctl.config.sample import sample_text
from platformctl.config.stack_config import common_config
from platformctl.config.stack_config.addons import CHARTS
from platformctl.core.planning import build_plan
from platformctl.engines.embedded.runner import EmbeddedEngine
from platformctl.plan.model import LayerPlan, PlanResource
from tests.stacks.conftest import assert_platform_tags, fake_upstream, named, of_type, one_of_type, sample_platform

ENVS = ["dev", "prod"]
RELEASE = "kubernetes:helm.sh/v3:Release"
NAMESPACE = "kubernetes:core/v1:Namespace"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_ARN = "eks.amazonaws.com/role-arn"
PLATFORM_NAMESPACES = {"platform-system", "ingress", "observability"}
APP_NAMESPACES = {"apps"}

# release name -> (chart key in CHARTS, namespace)
RELEASES = {
    "aws-load-balancer-controller": ("albController", "platform-system"),
    "kong": ("kong", "ingress"),
    "metrics-server": ("metricsServer", "platform-system"),
    "karpenter": ("karpenter", "platform-system"),
    "external-dns": ("externalDns", "platform-system"),
    "external-secrets": ("externalSecrets", "platform-system"),
    "datadog": ("datadog", "observability"),
    "aws-for-fluent-bit": ("fluentBit", "observability"),
}
# release name -> (path to its service-account values, service account name): the add-ons that call AWS.
IRSA = {
    "aws-load-balancer-controller": (("serviceAccount",), "aws-load-balancer-controller"),
    "karpenter": (("serviceAccount",), "karpenter"),
    "cluster-autoscaler": (("rbac", "serviceAccount"), "cluster-autoscaler"),
    "external-dns": (("serviceAccount",), "external-dns"),
    "external-secrets": (("serviceAccount",), "external-secrets"),
    "aws-for-fluent-bit": (("serviceAccount",), "aws-for-fluent-bit"),
}
_PLANS: dict[str, LayerPlan] = {}


def autoscaler_plan() -> LayerPlan:
    """dev with cluster.autoscaler: cluster-autoscaler, to prove the choice follows config."""
    if "ca" not in _PLANS:
        dev_cluster = "  dev:\n    network: {cidr: 10.10.0.0/16, dr_cidr: 10.110.0.0/16, azs: 2, nat_gateways: 1}\n    cluster:\n"
        text = sample_text().replace(dev_cluster, dev_cluster + "      autoscaler: cluster-autoscaler\n", 1)
        assert "autoscaler: cluster-autoscaler" in text, "sample template changed: cannot switch dev to cluster-autoscaler"
        loaded = LoadedPlatform(parse_platform(text, source="sample with cluster-autoscaler"), "sample", True)
        upstream = fake_upstream("addons", loaded)
        _PLANS["ca"] = build_plan(engine=EmbeddedEngine(), loaded=loaded, env="dev", layers=["addons"], upstream=upstream).layer("addons")
    return _PLANS["ca"]


def releases(plan: LayerPlan) -> dict[str, PlanResource]:
    return {r.inputs["name"]: r for r in of_type(plan, RELEASE)}


def dig(values: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        values = values[key]
    return values


def statements(policy: str) -> list[dict[str, Any]]:
    return json.loads(policy)["Statement"]


def actions(statement: dict[str, Any]) -> list[str]:
    value = statement["Action"]
    return [value] if isinstance(value, str) else value


def policy_of_role(plan: LayerPlan, role: PlanResource) -> list[dict[str, Any]]:
    role_id = f"(known after apply: {role.name}.id)"
    found = [p for p in of_type(plan, ROLE_POLICY) if p.inputs["role"] == role_id]
    assert len(found) == 1, f"{role.name}: expected exactly one inline policy, found {len(found)}"
    return statements(found[0].inputs["policy"])


def role_by_arn(plan: LayerPlan, arn: str) -> PlanResource:
    found = [r for r in of_type(plan, ROLE) if arn == f"(known after apply: {r.name}.arn)"]
    assert len(found) == 1, f"no single IAM role has the ARN {arn}"
    return found[0]


@pytest.mark.parametrize("env", ENVS)
def test_every_kubernetes_resource_uses_the_clusters_provider(layer_plan, env: str) -> None:
    plan = layer_plan("addons", env)
    provider = one_of_type(plan, "pulumi:providers:kubernetes")
    config = json.loads(provider.inputs["kubeconfig"])
    cluster = config["clusters"][0]["cluster"]
    assert cluster["server"] == "(known after apply: cluster.clusterEndpoint)", f"{provider.name}: server must be the cluster layer's endpoint"
    assert cluster["certificate-authority-data"] == "(known after apply: cluster.clusterCertificateAuthority)", (
        f"{provider.name}: CA must come from the cluster layer"
    )
    user = config["users"][0]["user"]
    assert "token" not in user, f"{provider.name}: kubeconfig must not store a token"
    assert user["exec"]["command"] == "aws" and user["exec"]["args"][:2] == ["eks", "get-token"], f"{provider.name}: auth must be `aws eks get-token` exec"
    assert "(known after apply: cluster.clusterName)" in user["exec"]["args"], f"{provider.name}: get-token must name the cluster"
    kube = [r for r in plan.resources if r.type.startswith("kubernetes:")]
    assert len(kube) > 20
    for r in kube:
        assert r.provider == provider.urn, f"{r.name}: Kubernetes resources must use the explicit provider built from the cluster outputs"


@pytest.mark.parametrize("env", ENVS)
def test_each_release_has_a_pinned_chart_repository_and_namespace(layer_plan, env: str) -> None:
    found = releases(layer_plan("addons", env))
    assert set(found) == set(RELEASES), f"addons/{env}: releases {sorted(found)} differ from {sorted(RELEASES)}"
    for name, (key, namespace) in RELEASES.items():
        r, pin = found[name], CHARTS[key]
        assert r.inputs["chart"] == pin["chart"], f"{r.name}: chart must be {pin['chart']}"
        assert re.fullmatch(r"\d+\.\d+\.\d+", r.inputs["version"]) and r.inputs["version"] == pin["version"], (
            f"{r.name}: chart version must be pinned exactly ({pin['version']})"
        )
        if pin["chart"].startswith("oci://"):
            assert not r.inputs.get("repositoryOpts"), f"{r.name}: an oci:// chart takes no repository"
        else:
            assert r.inputs["repositoryOpts"]["repo"] == pin["repository"] and pin["repository"].startswith("https://"), (
                f"{r.name}: repository_opts.repo must be the chart's https repository"
            )
        assert r.inputs["namespace"] == namespace, f"{r.name}: must install into {namespace}"
        assert r.inputs["createNamespace"] is False, f"{r.name}: namespaces belong to the baseline (Pod Security labels)"
        assert r.inputs["atomic"] is True, f"{r.name}: a failed install must roll back (atomic)"


@pytest.mark.parametrize("env", ENVS)
def test_releases_wait_for_their_namespace(layer_plan, env: str) -> None:
    plan = layer_plan("addons", env)
    namespaces = {r.inputs["metadata"]["name"]: r.urn for r in of_type(plan, NAMESPACE)}
    for r in of_type(plan, RELEASE):
        assert namespaces[r.inputs["namespace"]] in r.dependencies, f"{r.name}: must depend on namespace {r.inputs['namespace']}"


def test_autoscaler_follows_config(layer_plan) -> None:
    assert "karpenter" in releases(layer_plan("addons", "dev")), "sample dev: karpenter is the default autoscaler"
    ca = releases(autoscaler_plan())
    assert "cluster-autoscaler" in ca and "karpenter" not in ca, "autoscaler: cluster-autoscaler must replace karpenter"
    r, pin = ca["cluster-autoscaler"], CHARTS["clusterAutoscaler"]
    assert (r.inputs["chart"], r.inputs["version"], r.inputs["repositoryOpts"]["repo"]) == (pin["chart"], pin["version"], pin["repository"]), (
        f"{r.name}: pinned chart"
    )
    assert r.inputs["namespace"] == "platform-system", f"{r.name}: namespace"
    assert r.inputs["values"]["autoDiscovery"]["clusterName"] == "(known after apply: cluster.clusterName)", f"{r.name}: must discover this cluster's groups"
    assert not autoscaler_plan().by_type("kubernetes:karpenter.sh/v1:NodePool"), "cluster-autoscaler plan must not create Karpenter NodePools"


@pytest.mark.parametrize("plan_of", ["dev", "prod", "cluster-autoscaler"])
def test_each_aws_calling_addon_has_its_own_irsa_role_trusting_only_its_service_account(layer_plan, plan_of: str) -> None:
    plan = autoscaler_plan() if plan_of == "cluster-autoscaler" else layer_plan("addons", plan_of)
    found = releases(plan)
    seen_roles = set()
    wired = [name for name in IRSA if name in found]
    assert len(wired) == 5, f"addons/{plan_of}: expected 5 add-ons with IRSA, found {wired}"
    for name in wired:
        r = found[name]
        path, sa_name = IRSA[name]
        sa = dig(r.inputs["values"], path)
        assert sa["name"] == sa_name, f"{r.name}: service account must be named {sa_name}"
        arn = sa["annotations"].get(ROLE_ARN)
        assert arn, f"{r.name}: service account needs the {ROLE_ARN} annotation"
        role = role_by_arn(plan, arn)
        assert role.name not in seen_roles, f"{role.name}: shared by two add-ons; each needs its own role"
        seen_roles.add(role.name)
        trust = statements(role.inputs["assumeRolePolicy"])
        assert len(trust) == 1, f"{role.name}: one trust statement only"
        t = trust[0]
        assert t["Action"] == "sts:AssumeRoleWithWebIdentity" and t["Principal"] == {"Federated": "(known after apply: cluster.oidcProviderArn)"}, (
            f"{role.name}: must trust the cluster's OIDC provider only"
        )
        issuer = "(known after apply: cluster.oidcProviderUrl)"
        assert t["Condition"]["StringEquals"] == {
            f"{issuer}:sub": f"system:serviceaccount:{r.inputs['namespace']}:{sa_name}",
            f"{issuer}:aud": "sts.amazonaws.com",
        }, f"{role.name}: trust must be limited to {r.inputs['namespace']}/{sa_name} with audience sts.amazonaws.com"


@pytest.mark.parametrize("plan_of", ["dev", "prod", "cluster-autoscaler"])
def test_irsa_policies_are_least_privilege(layer_plan, plan_of: str) -> None:
    plan = autoscaler_plan() if plan_of == "cluster-autoscaler" else layer_plan("addons", plan_of)
    env = "dev" if plan_of == "cluster-autoscaler" else plan_of
    for role in of_type(plan, ROLE):
        for s in policy_of_role(plan, role):
            for action in actions(s):
                assert action != "*" and not action.endswith(":*"), f"{role.name}: wildcard action {action} breaks least privilege"
            mutating = [a for a in actions(s) if not re.match(r"^[a-z0-9-]+:(Describe|Get|List)", a)]
            if s["Resource"] == "*" and mutating and s["Sid"] not in ("Read",):
                assert "Condition" in s, f"{role.name}: {mutating} on every resource needs a condition"
    by_name = {r.inputs["name"].removeprefix(f"acme-{env}-"): policy_of_role(plan, r) for r in of_type(plan, ROLE)}
    dns = by_name["external-dns"]
    change = [s for s in dns if "route53:ChangeResourceRecordSets" in actions(s)]
    zone = f"{env}.acme.example.com"
    names = change[0]["Condition"]["ForAllValues:StringLike"]["route53:ChangeResourceRecordSetsNormalizedRecordNames"] if len(change) == 1 else None
    assert names == [zone, f"*.{zone}"], (
        f"external-dns/{env}: record changes must be limited to {zone}"
    )
    allowed = {"route53:ChangeResourceRecordSets", "route53:ListHostedZones", "route53:ListResourceRecordSets", "route53:ListTagsForResource"}
    assert {a for s in dns for a in actions(s)} <= allowed, (
        f"external-dns/{env}: Route53 record changes and lists only"
    )
    zone_scoped = [s for s in dns if set(actions(s)) - {"route53:ListHostedZones"}]
    assert all(s["Resource"] == "arn:aws:route53:::hostedzone/*" for s in zone_scoped), f"external-dns/{env}: record and tag actions on hosted zones only"
    logs = by_name["fluent-bit"]
    group_arn = "(known after apply: observability-container-logs.arn)"
    assert [sorted(actions(s)) for s in logs] == [["logs:CreateLogStream", "logs:PutLogEvents"]], f"fluent-bit/{env}: only CreateLogStream and PutLogEvents"
    assert all(res.startswith(group_arn) for res in logs[0]["Resource"]), f"fluent-bit/{env}: only its own log group"
    secret_arns = sorted(f"(known after apply: secrets-{k}.arn)" for k in ("datadog", "kong-license"))
    read, decrypt = by_name["external-secrets"]
    assert read["Resource"] == secret_arns, f"external-secrets/{env}: may read only the synced secrets"
    assert (decrypt["Action"], decrypt["Resource"]) == ("kms:Decrypt", "(known after apply: secrets-key.arn)"), (
        f"external-secrets/{env}: decrypts with the secrets key only"
    )
    assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}, (
        f"external-secrets/{env}: through Secrets Manager only"
    )
    alb = by_name["alb-controller"]
    for s in alb:
        if s["Sid"] in ("ChangeOwned", "CreateTagged", "TagOnCreate"):
            assert "(known after apply: cluster.clusterName)" in json.dumps(s["Condition"]), (
                f"alb-controller/{env}: {s['Sid']} must be limited to this cluster's tag"
            )
    if plan_of == "cluster-autoscaler":
        scale = [s for s in by_name["cluster-autoscaler"] if "autoscaling:SetDesiredCapacity" in actions(s)]
        assert scale and "k8s.io/cluster-autoscaler/(known after apply: cluster.clusterName)" in json.dumps(scale[0]["Condition"]), (
            "cluster-autoscaler: only owned node groups"
        )
    else:
        karpenter = {s["Sid"]: s for s in by_name["karpenter"]}
        assert karpenter["PassNodeRole"]["Resource"] == "(known after apply: cluster.nodeRoleArn)", f"karpenter/{env}: may pass only the node role"
        assert karpenter["InterruptionQueue"]["Resource"] == "(known after apply: autoscaling-karpenter-interruptions-queue.arn)", (
            f"karpenter/{env}: only its queue"
        )
        assert "Condition" in karpenter["DeleteOwned"], f"karpenter/{env}: may terminate only instances it owns"


@pytest.mark.parametrize("env", ENVS)
def test_namespaces_enforce_pod_security(layer_plan, env: str) -> None:
    plan = layer_plan("addons", env)
    namespaces = {r.inputs["metadata"]["name"]: r for r in of_type(plan, NAMESPACE)}
    assert set(namespaces) == PLATFORM_NAMESPACES | APP_NAMESPACES, f"addons/{env}: namespaces {sorted(namespaces)}"
    for name, r in namespaces.items():
        labels = r.inputs["metadata"]["labels"]
        for mode in ("audit", "warn"):
            assert labels.get(f"pod-security.kubernetes.io/{mode}") == "restricted", f"{r.name}: Pod Security {mode} must be restricted"
        enforce = labels.get("pod-security.kubernetes.io/enforce")
        if name in APP_NAMESPACES | {"platform-system", "ingress"}:
            assert enforce == "restricted", f"{r.name}: Pod Security enforce must be restricted"
        else:
            assert enforce in ("restricted", "baseline", "privileged"), f"{r.name}: Pod Security enforce label missing"
            if enforce != "restricted":
                assert r.inputs["metadata"].get("annotations", {}).get("platform.io/pod-security-reason"), (
                    f"{r.name}: a level below restricted needs a stated reason"
                )


@pytest.mark.parametrize("env", ENVS)
def test_default_deny_and_dns_in_every_namespace(layer_plan, env: str) -> None:
    plan = layer_plan("addons", env)
    namespaces = {r.inputs["metadata"]["name"] for r in of_type(plan, NAMESPACE)}
    policies = of_type(plan, NETPOL)
    for ns in namespaces:
        here = {p.inputs["metadata"]["name"]: p.inputs["spec"] for p in policies if p.inputs["metadata"]["namespace"] == ns}
        deny = here.get("default-deny")
        assert deny is not None, f"namespace {ns}: needs a default-deny NetworkPolicy"
        assert deny["podSelector"] == {} and sorted(deny["policyTypes"]) == ["Egress", "Ingress"], (
            f"{ns}/default-deny: must select every pod for ingress and egress"
        )
        assert not deny.get("ingress") and not deny.get("egress"), f"{ns}/default-deny: must allow nothing"
        dns = here.get("allow-dns")
        assert dns is not None, f"namespace {ns}: needs an explicit DNS egress allow"
        ports = {(p["protocol"], p["port"]) for rule in dns["egress"] for p in rule["ports"]}
        assert ports == {("UDP", 53), ("TCP", 53)}, f"{ns}/allow-dns: must allow port 53 over UDP and TCP only"
        assert dns["egress"][0]["to"][0]["podSelector"] == {"matchLabels": {"k8s-app": "kube-dns"}}, f"{ns}/allow-dns: only to kube-dns"
    for p in policies:
        for rule in p.inputs["spec"].get("ingress", []):
            for peer in rule.get("from", []):
                assert peer.get("ipBlock", {}).get("cidr") != "0.0.0.0/0", f"{p.name}: no ingress from the whole internet"


@pytest.mark.parametrize("env", ENVS)
def test_rbac_read_only_for_developers_and_deployer_per_app_namespace(layer_plan, env: str) -> None:
    plan = layer_plan("addons", env)
    role = one_of_type(plan, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")
    for rule in role.inputs["rules"]:
        assert set(rule["verbs"]) <= {"get", "list", "watch"}, f"{role.name}: read-only role grants {rule['verbs']}"
        assert "secrets" not in rule["resources"] and "*" not in rule["resources"], f"{role.name}: must not read secrets"
    binding = one_of_type(plan, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")
    assert binding.inputs["roleRef"]["name"] == role.inputs["metadata"]["name"], f"{binding.name}: must bind the read-only role"
    assert binding.inputs["subjects"] == [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "platform:developers"}], (
        f"{binding.name}: developers group"
    )
    roles = {r.inputs["metadata"]["namespace"]: r for r in of_type(plan, "kubernetes:rbac.authorization.k8s.io/v1:Role")}
    assert set(roles) == APP_NAMESPACES, f"addons/{env}: an app-deployer Role in each app namespace, found {sorted(roles)}"
    bindings = {b.inputs["metadata"]["namespace"]: b for b in of_type(plan, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")}
    for ns, r in roles.items():
        assert r.inputs["metadata"]["name"] == "app-deployer", f"{r.name}: name app-deployer"
        for rule in r.inputs["rules"]:
            assert "*" not in rule["verbs"] and "secrets" not in rule["resources"], f"{r.name}: no wildcard verbs, no direct secret access"
        assert bindings[ns].inputs["subjects"][0]["name"] == "platform:app-deployers", f"{bindings[ns].name}: deployers group"


@pytest.mark.parametrize("env", ENVS)
def test_kong_behind_the_public_alb_with_jwt_and_per_user_rate_limit(layer_plan, env: str) -> None:
    plan = layer_plan("addons", env)
    kong = releases(plan)["kong"]
    proxy = kong.inputs["values"]["proxy"]
    assert proxy["type"] == "ClusterIP", f"{kong.name}: the proxy has no load balancer of its own; the public entry's ALB is its way in"
    assert "annotations" not in proxy, f"{kong.name}: no NLB annotations on the proxy"
    assert releases(plan)["aws-load-balancer-controller"].urn in kong.dependencies, f"{kong.name}: must wait for the ALB controller"
    plugins = {p.inputs["metadata"]["name"]: p for p in of_type(plan, "kubernetes:configuration.konghq.com/v1:KongClusterPlugin")}
    jwt = plugins["platform-jwt"]
    assert jwt.inputs["plugin"] in ("openid-connect", "jwt"), f"{jwt.name}: JWT validation plugin"
    assert jwt.inputs["config"]["issuer"] == "(known after apply: identity.issuerUrl)", f"{jwt.name}: must trust the identity layer's issuer"
    assert jwt.inputs["config"]["extra_jwks_uris"] == ["(known after apply: identity.jwksUrl)"], f"{jwt.name}: must verify with the identity layer's JWKS"
    limit = plugins["platform-rate-limit"]
    assert limit.inputs["plugin"] == "rate-limiting", f"{limit.name}: rate-limiting plugin"
    assert limit.inputs["config"]["limit_by"] in ("consumer", "credential"), f"{limit.name}: must limit per user, not per IP"
    assert limit.inputs["config"]["minute"] == 600, f"{limit.name}: per-user limit from config"
    assert limit.inputs["config"]["policy"] == "redis", f"{limit.name}: one count across replicas (local multiplies the limit by them)"
    assert limit.inputs["config"]["redis"]["host"] == plan.outputs["rateLimitRedisHost"], f"{limit.name}: counts in the rate-limit store"
    for p in plugins.values():
        assert kong.urn in p.dependencies, f"{p.name}: must wait for the Kong release (CRDs)"
        assert p.inputs["metadata"]["annotations"]["kubernetes.io/ingress.class"] == "kong", f"{p.name}: must target the kong ingress class"
    assert plan.outputs["kongPlugins"] == ["platform-jwt", "platform-rate-limit"] and plan.outputs["ingressClass"] == "kong"


@pytest.mark.parametrize("env", ENVS)
def test_datadog_key_comes_from_a_synced_secret(layer_plan, env: str) -> None:
    plan = layer_plan("addons", env)
    datadog = releases(plan)["datadog"].inputs["values"]["datadog"]
    assert "apiKey" not in datadog, "datadog: the API key must never be a chart value"
    synced = {s.inputs["spec"]["target"]["name"]: s for s in of_type(plan, "kubernetes:external-secrets.io/v1beta1:ExternalSecret")}
    secret = synced.get(datadog["apiKeyExistingSecret"])
    assert secret is not None, f"datadog/{env}: apiKeyExistingSecret must name a Secret synced by an ExternalSecret"
    assert secret.inputs["metadata"]["namespace"] == "observability", f"{secret.name}: must land in Datadog's namespace"
    assert secret.inputs["spec"]["data"][0]["secretKey"] == "api-key", f"{secret.name}: the chart reads key api-key"
    stored = {s.inputs["name"] for s in of_type(plan, "aws:secretsmanager/secret:Secret")}
    assert secret.inputs["spec"]["data"][0]["remoteRef"]["key"] == f"acme/{env}/datadog-api-key" in stored, (
        f"{secret.name}: must read the Secrets Manager secret"
    )
    assert datadog["site"] == "datadoghq.com", f"datadog/{env}: site from config"
    assert not plan.by_type("aws:secretsmanager/secretVersion:SecretVersion"), f"addons/{env}: secret values are put in by operators, never by code"


@pytest.mark.parametrize("env", ENVS)
def test_fluent_bit_ships_to_the_environments_log_group(layer_plan, env: str) -> None:
    plan = layer_plan("addons", env)
    group = one_of_type(plan, "aws:cloudwatch/logGroup:LogGroup")
    assert group.inputs["name"] == f"/platform/acme-{env}/containers", f"{group.name}: one log group per environment"
    assert group.inputs["kmsKeyId"] == "(known after apply: network.logsKeyArn)", f"{group.name}: encrypted with the logs key"
    days = 365 if env == "prod" else 90  # production keeps logs a year for SOC 2 / HIPAA evidence (LOG-003)
    assert group.inputs["retentionInDays"] == days, f"{group.name}: retention {days} days in {env}"
    cw = releases(plan)["aws-for-fluent-bit"].inputs["values"]["cloudWatchLogs"]
    assert cw["enabled"] and cw["logGroupName"] == group.inputs["name"], f"fluent-bit/{env}: must ship to {group.inputs['name']}"
    assert cw["region"] == "eu-west-1" and cw["autoCreateGroup"] is False, f"fluent-bit/{env}: region from config, no other groups"


@pytest.mark.parametrize("env", ENVS)
def test_external_dns_restricted_to_the_environment_zone(layer_plan, env: str) -> None:
    values = releases(layer_plan("addons", env))["external-dns"].inputs["values"]
    assert values["domainFilters"] == [f"{env}.acme.example.com"], f"external-dns/{env}: domain filter"
    assert values["txtOwnerId"] == "(known after apply: cluster.clusterName)", f"external-dns/{env}: owns only its cluster's records"
    assert values["policy"] == "upsert-only", f"external-dns/{env}: never deletes records it did not make"


@pytest.mark.parametrize("env", ENVS)
def test_no_literal_secrets_anywhere(layer_plan, env: str) -> None:
    plan = layer_plan("addons", env)
    secret_key = re.compile(r"(password|passwd|token|api[_-]?key|license[_-]?key|access[_-]?key|client[_-]?secret)$", re.I)

    def walk(value: Any, path: str, resource: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, str) and v and secret_key.search(str(k)):
                    pytest.fail(f"{resource}: {path}.{k} holds a literal secret-like value")
                walk(v, f"{path}.{k}", resource)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]", resource)
        elif isinstance(value, str):
            assert credential_kind(value) is None, f"{resource}: {path} holds what looks like {credential_kind(value)}"

    for r in plan.resources:
        walk(r.inputs, "inputs", r.name)


@pytest.mark.parametrize("env", ENVS)
def test_exports(layer_plan, env: str) -> None:
    outputs = layer_plan("addons", env).outputs
    assert outputs["namespaces"] == ["platform-system", "ingress", "observability", "apps"], f"addons/{env}: namespaces export"
    assert outputs["kongProxyService"] == "ingress/kong-proxy", f"addons/{env}: kong proxy service export"
    assert outputs["containerLogGroupName"] == f"/platform/acme-{env}/containers"
    assert outputs["autoscaler"] == "karpenter"


@pytest.mark.parametrize("env", ENVS)
def test_network_policies_are_enforced_by_the_cni(layer_plan, env: str) -> None:
    plan = layer_plan("addons", env)
    cni = one_of_type(plan, "aws:eks/addon:Addon")
    assert cni.inputs["addonName"] == "vpc-cni" and cni.inputs["clusterName"] == "(known after apply: cluster.clusterName)", (
        f"{cni.name}: the cluster's VPC CNI"
    )
    assert json.loads(cni.inputs["configurationValues"]) == {"enableNetworkPolicy": "true"}, f"{cni.name}: must enforce NetworkPolicies"
    for p in of_type(plan, NETPOL):
        assert cni.urn in p.dependencies, f"{p.name}: must wait for the CNI that enforces it"


@pytest.mark.parametrize("env", ENVS)
def test_every_taggable_aws_resource_carries_the_platform_tags(layer_plan, env: str) -> None:
    plan = layer_plan("addons", env)
    tags = common_config(sample_platform().platform, env)["tags"]
    # Kubernetes objects carry labels, not AWS tags; these AWS types take no tags.
    kubernetes = {r.type for r in plan.resources if r.type.startswith("kubernetes:")}
    not_taggable = kubernetes | {
        "aws:cloudwatch/eventTarget:EventTarget", "aws:iam/rolePolicy:RolePolicy", "aws:sqs/queuePolicy:QueuePolicy", "aws:kms/alias:Alias",
    }
    assert_platform_tags(plan, tags, not_taggable, at_least=10)


@pytest.mark.parametrize("env", ENVS)
def test_component_children_are_named_after_their_component(layer_plan, env: str) -> None:
    plan = layer_plan("addons", env)
    components = {r.urn: r.name for r in plan.resources if r.type.startswith("platform:addons:")}
    assert len(components) >= 8
    for r in plan.resources:
        if r.parent in components:
            assert r.name.startswith(f"{components[r.parent]}-"), f"{r.name}: a child of {components[r.parent]} must be named {components[r.parent]}-<role>"


def test_every_app_namespace_gets_deny_policies_a_deployer_role_and_gateway_reach() -> None:
    text = sample_text().replace("  app_namespaces: [apps]", "  app_namespaces: [apps, orders]", 1)
    assert "[apps, orders]" in text, "sample template changed: cannot add an app namespace"
    loaded = LoadedPlatform(parse_platform(text, source="sample with two app namespaces"), "sample", True)
    plan = build_plan(engine=EmbeddedEngine(), loaded=loaded, env="prod", layers=["addons"], upstream=fake_upstream("addons", loaded)).layer("addons")
    for ns in ("apps", "orders"):
        mine = {p.inputs["metadata"]["name"] for p in of_type(plan, NETPOL) if p.inputs["metadata"]["namespace"] == ns}
        assert {"default-deny", "allow-dns", "allow-from-gateway"} <= mine, f"namespace {ns}: policies {sorted(mine)}"
        roles = [r for r in of_type(plan, "kubernetes:rbac.authorization.k8s.io/v1:Role") if r.inputs["metadata"]["namespace"] == ns]
        assert len(roles) == 1, f"namespace {ns}: needs one app-deployer Role"
    # Kong reaches app namespaces by their label, so a service stack's own namespace is covered too.
    to_apps = next(p for p in of_type(plan, NETPOL) if p.inputs["metadata"]["namespace"] == "ingress" and p.inputs["metadata"]["name"] == "allow-to-apps")
    (peer,) = to_apps.inputs["spec"]["egress"][0]["to"]
    assert peer == {"namespaceSelector": {"matchLabels": {"platform.io/namespace-role": "app"}}}, \
        f"{to_apps.name}: Kong must reach app namespaces by label, not {peer}"
    namespaces = of_type(plan, "kubernetes:core/v1:Namespace")
    labelled = {n.inputs["metadata"]["name"] for n in namespaces if n.inputs["metadata"]["labels"].get("platform.io/namespace-role") == "app"}
    assert labelled == {"apps", "orders"}, f"every app namespace must carry the app label, labelled: {sorted(labelled)}"


@pytest.mark.parametrize("env", ENVS)
def test_operator_secrets_and_container_logs_are_protected_in_production(layer_plan, env: str) -> None:
    plan = layer_plan("addons", env)
    for r in of_type(plan, "aws:secretsmanager/secret:Secret") + of_type(plan, "aws:cloudwatch/logGroup:LogGroup"):
        assert r.protect is (env == "prod"), f"{r.name}: protect must be {env == 'prod'} in {env}"
    for r in of_type(plan, "aws:secretsmanager/secret:Secret"):
        assert r.inputs["recoveryWindowInDays"] == (30 if env == "prod" else 7), f"{r.name}: recovery window"
    key = named(plan, "aws:kms/key:Key", "secrets-key")
    assert key.inputs["enableKeyRotation"] is True and key.protect is (env == "prod"), f"{key.name}: rotated, protected in production"
    for r in of_type(plan, "aws:secretsmanager/secret:Secret"):
        assert r.inputs["kmsKeyId"] == f"(known after apply: {key.name}.arn)", f"{r.name}: encrypted with the add-ons' customer key, not the AWS-managed one"
