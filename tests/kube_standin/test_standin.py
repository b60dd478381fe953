"""The stand-in answers the real kubernetes client the way an API server would, for what deploy uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kube_standin.fixtures import Cluster

pytestmark = pytest.mark.integration

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "r/web@sha256:1"}]}},
    },
}


def _dynamic(cluster: Cluster, tmp_path: Path):
    from kubernetes.dynamic import DynamicClient

    if cluster.store.find(("v1", "Namespace", "", "shop")) is None:
        cluster.store.create(("v1", "Namespace", "", "shop"), {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})

    return DynamicClient(cluster.api_client(), cache_file=str(tmp_path / "discovery.json"))


def test_apply_get_list_watch_and_delete_through_the_dynamic_client(cluster: Cluster, tmp_path: Path) -> None:
    from kubernetes.watch import Watch

    cluster.scenario.step_seconds = 0.1  # slow enough that the status changes arrive through the watch
    client = _dynamic(cluster, tmp_path)
    deployments = client.resources.get(api_version="apps/v1", kind="Deployment")
    applied = deployments.server_side_apply(body=DEPLOYMENT, field_manager="platformctl").to_dict()
    assert applied["metadata"]["generation"] == 1 and applied["metadata"]["resourceVersion"]
    listing = deployments.get(namespace="shop", label_selector="app=web")
    assert [item.metadata.name for item in listing.items] == ["web"]
    statuses = [listing.items[0].to_dict().get("status") or {}]
    for event in client.watch(deployments, namespace="shop", resource_version=listing.metadata.resourceVersion, timeout=2, watcher=Watch()):
        statuses.append(event["raw_object"].get("status", {}))
        if statuses[-1].get("availableReplicas") == 2:
            break
    assert len(statuses) >= 3, statuses  # the listed state, then the controller's steps as MODIFIED events
    assert statuses[-1]["observedGeneration"] == 1 and statuses[-1]["updatedReplicas"] == 2
    deployments.delete(name="web", namespace="shop")
    assert deployments.get(namespace="shop").items == []


def test_a_field_owned_by_another_manager_is_a_409_with_causes_unless_forced(cluster: Cluster, tmp_path: Path) -> None:
    from kubernetes.dynamic.exceptions import ConflictError

    client = _dynamic(cluster, tmp_path)
    deployments = client.resources.get(api_version="apps/v1", kind="Deployment")
    deployments.server_side_apply(body=DEPLOYMENT, field_manager="kubectl")
    with pytest.raises(ConflictError) as caught:
        deployments.server_side_apply(body={**DEPLOYMENT, "spec": {**DEPLOYMENT["spec"], "replicas": 5}}, field_manager="platformctl")
    import json

    causes = json.loads(caught.value.body)["details"]["causes"]
    assert causes == [{"type": "FieldManagerConflict", "message": 'conflict with "kubectl" using apps/v1', "field": ".spec.replicas"}]
    forced = deployments.server_side_apply(
        body={**DEPLOYMENT, "spec": {**DEPLOYMENT["spec"], "replicas": 5}}, field_manager="platformctl", force_conflicts=True
    )
    assert forced.spec.replicas == 5 and forced.metadata.generation == 2


def test_dry_run_changes_nothing(cluster: Cluster, tmp_path: Path) -> None:
    client = _dynamic(cluster, tmp_path)
    deployments = client.resources.get(api_version="apps/v1", kind="Deployment")
    preview = deployments.server_side_apply(body=DEPLOYMENT, field_manager="platformctl", dry_run="All")
    assert preview.spec.replicas == 2
    assert deployments.get(namespace="shop").items == []


def test_leases_have_optimistic_concurrency(cluster: Cluster, tmp_path: Path) -> None:
    from kubernetes.dynamic.exceptions import ConflictError

    client = _dynamic(cluster, tmp_path)
    leases = client.resources.get(api_version="coordination.k8s.io/v1", kind="Lease")
    body = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "lock", "namespace": "shop"}, "spec": {"holderIdentity": "a"}}
    created = leases.create(body=body).to_dict()
    with pytest.raises(ConflictError):
        leases.create(body=body)
    first = {**created, "spec": {"holderIdentity": "b"}}
    leases.replace(body=first)
    with pytest.raises(ConflictError):  # the resourceVersion it read is stale now
        leases.replace(body={**created, "spec": {"holderIdentity": "c"}})


def test_pod_logs_and_events_through_the_typed_client(cluster: Cluster) -> None:
    from kubernetes import client

    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "shop"}, "spec": {}}
    cluster.store.create(("v1", "Pod", "shop", "p"), pod)
    cluster.standin.logs[("shop", "p")] = "one\ntwo\nthree\n"
    core = client.CoreV1Api(cluster.api_client())
    assert core.read_namespaced_pod_log("p", "shop", tail_lines=2) == "two\nthree\n"
    with pytest.raises(client.ApiException) as caught:
        core.read_namespaced_pod_log("missing", "shop")
    assert caught.value.status == 404


def test_writes_into_a_missing_namespace_are_404_and_forbidden_resources_403(cluster: Cluster, tmp_path: Path) -> None:
    from kubernetes.dynamic.exceptions import ForbiddenError, NotFoundError

    client = _dynamic(cluster, tmp_path)
    deployments = client.resources.get(api_version="apps/v1", kind="Deployment")
    with pytest.raises(NotFoundError):
        deployments.server_side_apply(body={**DEPLOYMENT, "metadata": {**DEPLOYMENT["metadata"], "namespace": "nowhere"}}, field_manager="platformctl")
    cluster.standin.forbidden.add("secrets")
    with pytest.raises(ForbiddenError):
        client.resources.get(api_version="v1", kind="Secret").get(name="x", namespace="shop")
