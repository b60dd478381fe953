"""Deploy manifests: golden files, byte stability, and the shape rules issue 12 sets for each object."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from platformctl.errors import UsageError
from tests.rendering.deploy_fixtures import DIGEST, REPOSITORY, TESTDATA, render
from tests.rendering.pod_security import pod_specs, restricted_violations

GOLDEN = TESTDATA / "golden"


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_render_matches_the_golden_file(env: str) -> None:
    text = render(env).rendered.stream()
    golden = GOLDEN / f"skeleton-{env}.yaml"
    if os.environ.get("UPDATE_GOLDEN") == "1":  # a deliberate template change: rewrite, then review the diff
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"render for {env} differs from {golden}; review and rerun with UPDATE_GOLDEN=1"


def test_render_is_byte_stable() -> None:
    assert render("prod").rendered.stream() == render("prod").rendered.stream()


def _objects(env: str) -> dict[tuple[str, str], dict]:
    return {(m.kind, m.name): m.body for m in render(env).rendered.manifests}


def test_every_object_issue_12_lists_is_rendered() -> None:
    kinds = {kind for kind, _ in _objects("prod")}
    assert kinds == {
        "ServiceAccount", "ConfigMap", "ExternalSecret", "NetworkPolicy", "Job", "Deployment",
        "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "KongPlugin", "Ingress",
    }  # fmt: skip
    assert ("Deployment", "skeleton-worker") in _objects("prod"), "the skeleton has jobs, so a worker Deployment"


def test_deployment_rolls_safely_and_is_pinned() -> None:
    deployment = _objects("prod")[("Deployment", "skeleton")]
    spec = deployment["spec"]
    assert "replicas" not in spec, "the HPA owns the replica count"
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert spec["progressDeadlineSeconds"] == 300
    pod = spec["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == f"{REPOSITORY}@{DIGEST}"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert set(container["resources"]["requests"]) == set(container["resources"]["limits"]) == {"cpu", "memory", "ephemeral-storage"}
    assert pod["automountServiceAccountToken"] is False
    assert {c["topologyKey"] for c in pod["topologySpreadConstraints"]} >= {"topology.kubernetes.io/zone"}
    assert {"/tmp"} <= {mount["mountPath"] for mount in container["volumeMounts"]}
    assert _objects("prod")[("HorizontalPodAutoscaler", "skeleton")]["spec"]["minReplicas"] >= 2


def test_every_pod_meets_pod_security_restricted() -> None:
    for env in ("dev", "prod"):
        for (kind, name), body in _objects(env).items():
            for pod in pod_specs(body):
                assert restricted_violations(pod) == [], f"{kind}/{name} in {env}"
                assert all(c["securityContext"]["readOnlyRootFilesystem"] for c in pod["containers"]), f"{kind}/{name}"


def test_pod_security_checker_catches_a_violation() -> None:
    pod = _objects("prod")[("Deployment", "skeleton")]["spec"]["template"]["spec"]
    pod["containers"][0]["securityContext"]["allowPrivilegeEscalation"] = True
    pod["containers"][0]["securityContext"]["capabilities"] = {"add": ["NET_ADMIN"]}
    assert len(restricted_violations(pod)) == 3


def test_a_config_change_changes_the_pod_template_hash(tmp_path: Path) -> None:
    from platformctl.paths import skeleton_dir

    (tmp_path / "service.yaml").write_text(
        (skeleton_dir() / "service.yaml").read_text().replace("default: 100/minute", "default: 50/minute"), encoding="utf-8"
    )
    before = _objects("prod")[("Deployment", "skeleton")]["spec"]["template"]["metadata"]["annotations"]
    after = {(m.kind, m.name): m.body for m in render("prod", directory=tmp_path).rendered.manifests}
    annotations = after[("Deployment", "skeleton")]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["platformctl/config-hash"] != before["platformctl/config-hash"]
    rotated = render("prod", secret_digest="0123456789abcdef").rendered.manifests
    deployment = next(m.body for m in rotated if m.name == "skeleton" and m.kind == "Deployment")
    assert deployment["spec"]["template"]["metadata"]["annotations"]["platformctl/secret-hash"] == "0123456789abcdef"


def test_fixed_replicas_mean_no_hpa_and_explicit_replicas(tmp_path: Path) -> None:
    (tmp_path / "service.yaml").write_text(
        "name: orders\nowner: team-a\nskeleton_version: 1.0.0\nscaling: {min: 2, max: 2, target_cpu: 70}\n", encoding="utf-8"
    )
    objects = {(m.kind, m.name): m.body for m in render("prod", directory=tmp_path, image=f"{REPOSITORY}@{DIGEST}").rendered.manifests}
    assert ("HorizontalPodAutoscaler", "orders") not in objects
    assert objects[("Deployment", "orders")]["spec"]["replicas"] == 2
    assert ("Deployment", "orders-worker") not in objects, "no jobs feature, no worker"


def test_production_with_one_replica_is_refused(tmp_path: Path) -> None:
    (tmp_path / "service.yaml").write_text("name: orders\nowner: team-a\nskeleton_version: 1.0.0\nscaling: {min: 1, max: 3, target_cpu: 70}\n")
    with pytest.raises(UsageError, match="production"):
        render("prod", directory=tmp_path)


def test_network_policy_admits_only_kong_and_reaches_only_dns_and_the_vpc() -> None:
    policy = _objects("prod")[("NetworkPolicy", "skeleton")]["spec"]
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    assert policy["ingress"][0]["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress"}}}]
    destinations = [peer for rule in policy["egress"] for peer in rule["to"]]
    assert {"ipBlock": {"cidr": "10.20.0.0/16"}} in destinations
    assert not any(peer.get("ipBlock", {}).get("cidr") == "0.0.0.0/0" for peer in destinations)


def test_every_object_carries_the_applyset_label_and_the_parent_lists_their_kinds() -> None:
    rendered = render("prod").rendered
    set_id = rendered.parent.body["metadata"]["labels"]["applyset.kubernetes.io/id"]
    assert all(m.body["metadata"]["labels"]["applyset.kubernetes.io/part-of"] == set_id for m in rendered.manifests)
    kinds = rendered.parent.body["metadata"]["annotations"]["applyset.kubernetes.io/contains-group-kinds"].split(",")
    assert "Deployment.apps" in kinds and "ConfigMap." in kinds and "KongPlugin.configuration.konghq.com" in kinds


def test_apply_order_puts_migration_before_workload_and_routes_last() -> None:
    phases = [m.phase for m in render("prod").rendered.manifests]
    assert phases == sorted(phases, key=["basics", "migration", "workload", "route"].index)
