"""deploy against the Kubernetes stand-in: every scenario issue 12 lists, through the real client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platformctl.errors import ExitCode
from platformctl.kubernetes.api import ApplyConflict
from platformctl.kubernetes.connection import ClusterRef
from platformctl.kubernetes.history import History
from platformctl.kubernetes.lease import LockHeld
from tests.deploy.harness import NAMESPACE, Deployer, digest_fragment
from tests.kube_standin import controllers
from tests.kube_standin.fixtures import Cluster

pytestmark = pytest.mark.integration


@pytest.fixture
def deployer(cluster: Cluster, tmp_path: Path) -> Deployer:
    return Deployer(cluster, tmp_path)


def _history(d: Deployer) -> list[tuple[int, str]]:
    return [(r.revision, r.result) for r in History(d.api, NAMESPACE, "platformctl-history-skeleton", {}).revisions()]


def _lease(d: Deployer) -> dict | None:
    return d.live("Lease", "platformctl-deploy-skeleton", "coordination.k8s.io/v1")


def test_a_healthy_rollout_is_deployed_recorded_and_unlocked(deployer: Deployer) -> None:
    report = deployer.deploy("good1")
    assert report.outcome == "deployed" and report.exit_code == ExitCode.OK, report.message
    assert report.revision == 1 and _history(deployer) == [(1, "deployed")]
    assert deployer.connected == [ClusterRef("staging", "acme-prod", "eu-west-1")], "the cluster named by the layer outputs"
    assert [s.name for s in report.steps] == [
        "lock",
        "check (server-side dry run)",
        "apply basics",
        "wait for secrets",
        "migrate",
        "apply workload and route",
        "wait for rollout",
        "prune",
    ]
    assert any("Running upgrade" in line for line in report.migration_log)
    assert _lease(deployer) is None, "the lock is released"
    assert deployer.live_image().endswith(digest_fragment("good1").ljust(64, "0")[:64])
    secret_hash = deployer.live("Deployment", "skeleton")["spec"]["template"]["metadata"]["annotations"]["platformctl/secret-hash"]
    assert len(secret_hash) == 16, "the synced Secret's digest, so a rotation rolls the pods"
    assert json.loads(report.to_json())["exitCode"] == 0
    assert any(e.kind == "log" and "Running upgrade" in e.message for e in deployer.events), "the migration log is streamed as it comes"


@pytest.mark.parametrize(
    ("behaviour", "reason", "evidence"),
    [
        (controllers.IMAGE_PULL, "ImagePullBackOff", "Failed to pull image"),
        (controllers.CRASH_LOOP, "CrashLoopBackOff", "ConfigurationError: refusing to start"),
        (controllers.DEADLINE, "ProgressDeadlineExceeded", ""),
    ],
)
def test_a_failing_rollout_is_rolled_back_with_exit_6(deployer: Deployer, behaviour: str, reason: str, evidence: str) -> None:
    assert deployer.deploy("good1").outcome == "deployed"
    deployer.cluster.scenario.images[digest_fragment("bad2")] = behaviour
    report = deployer.deploy("bad2")
    assert report.outcome == "rolled-back" and report.exit_code == ExitCode.ROLLED_BACK, report.message
    assert reason in report.message and report.rolled_back_to == 1
    assert evidence in "\n".join(report.evidence)
    assert _history(deployer) == [(1, "deployed"), (2, "failed"), (3, "rollback")]
    assert digest_fragment("good1") in deployer.live_image(), "the previous image runs again"
    assert _lease(deployer) is None


def test_crash_loop_evidence_is_the_last_log_lines(deployer: Deployer) -> None:
    deployer.deploy("good1")
    deployer.cluster.scenario.images[digest_fragment("bad2")] = controllers.CRASH_LOOP
    report = deployer.deploy("bad2")
    logs = [line for line in report.evidence if line.startswith("log | ")]
    assert len(logs) == 20 and logs[-1].endswith("JWKS_URL is not set")


def test_a_rollout_that_never_finishes_times_out_on_the_clock_and_rolls_back(deployer: Deployer) -> None:
    deployer.deploy("good1")
    deployer.cluster.scenario.images[digest_fragment("slow2")] = controllers.STUCK
    started = deployer.clock.now()
    report = deployer.deploy("slow2", timeout_seconds=30)
    assert report.outcome == "rolled-back" and "Not healthy within 30 s" in report.message
    waited = next(s for s in report.steps if s.name == "wait for rollout")
    assert 30 <= waited.seconds <= 34, waited
    assert deployer.clock.now() - started < 60


def test_pods_unschedulable_for_more_than_15_seconds_fail_fast(deployer: Deployer) -> None:
    deployer.deploy("good1")
    deployer.cluster.scenario.images[digest_fragment("big2")] = controllers.UNSCHEDULABLE
    report = deployer.deploy("big2", timeout_seconds=600)
    waited = next(s for s in report.steps if s.name == "wait for rollout")
    assert report.outcome == "rolled-back" and "Unschedulable" in report.message
    assert 15 < waited.seconds < 30, "failed soon after the grace, not at the 600 s timeout"
    assert any("FailedScheduling" in line for line in report.evidence)


def test_a_failed_migration_stops_the_deploy_and_keeps_the_job_until_the_next_one(deployer: Deployer) -> None:
    deployer.deploy("good1")
    deployer.cluster.scenario.migration = "fail"
    report = deployer.deploy("new2")
    assert report.outcome == "failed" and report.exit_code == ExitCode.FAILED
    assert "not rolled out" in report.message
    assert any("already exists" in line for line in report.migration_log)
    assert digest_fragment("good1") in deployer.live_image(), "the new version never ran on the un-migrated schema"
    assert deployer.live("Job", "skeleton-migrate-r2", "batch/v1") is not None, "kept for inspection"
    deployer.cluster.scenario.migration = "succeed"
    assert deployer.deploy("new3").outcome == "deployed"
    assert deployer.live("Job", "skeleton-migrate-r2", "batch/v1") is None, "deleted first by the next deploy"
    assert _history(deployer) == [(1, "deployed"), (2, "migration-failed"), (3, "deployed")]


def test_a_field_owned_by_another_manager_is_a_conflict_unless_forced(deployer: Deployer) -> None:
    deployer.deploy("good1")
    config = deployer.live("ConfigMap", "skeleton-config", "v1")
    config["data"]["LOG_JSON"] = "false"
    deployer.cluster.store.replace(("v1", "ConfigMap", NAMESPACE, "skeleton-config"), config, manager="kubectl-edit")
    versions = {key: stored.obj["metadata"]["resourceVersion"] for key, stored in deployer.cluster.store.objects.items()}
    with pytest.raises(ApplyConflict) as caught:
        deployer.deploy("good2")
    assert caught.value.exit_code == ExitCode.USAGE
    assert caught.value.details == ["ConfigMap/skeleton-config .data.LOG_JSON: owned by kubectl-edit"]
    after = {key: stored.obj["metadata"]["resourceVersion"] for key, stored in deployer.cluster.store.objects.items()}
    assert after == versions, "nothing was applied: the dry run found the conflict first (and the lock is gone again)"
    assert deployer.deploy("good2", force_conflicts=True).outcome == "deployed"


def test_a_deploy_in_progress_is_reported_with_its_holder_and_nothing_is_applied(deployer: Deployer) -> None:
    from platformctl.kubernetes.lease import _micro_time

    spec = {
        "holderIdentity": "ci run 4242 (alice)",
        "leaseDurationSeconds": 120,
        "acquireTime": _micro_time(deployer.clock.now() - 30),
        "renewTime": _micro_time(deployer.clock.now() - 10),
    }
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "platformctl-deploy-skeleton", "namespace": NAMESPACE}, "spec": spec}
    deployer.cluster.store.create(("coordination.k8s.io/v1", "Lease", NAMESPACE, "platformctl-deploy-skeleton"), lease)
    with pytest.raises(LockHeld) as caught:
        deployer.deploy("good1")
    assert "ci run 4242 (alice)" in caught.value.message and caught.value.exit_code == ExitCode.USAGE
    assert deployer.live("Deployment", "skeleton") is None and deployer.live("ConfigMap", "skeleton-config", "v1") is None
    assert _lease(deployer)["spec"]["holderIdentity"] == "ci run 4242 (alice)", "another deploy's lock is left alone"


def test_an_expired_lease_from_a_killed_job_is_taken_over(deployer: Deployer) -> None:
    from platformctl.kubernetes.lease import _micro_time

    spec = {"holderIdentity": "killed job", "leaseDurationSeconds": 120, "renewTime": _micro_time(deployer.clock.now() - 600), "leaseTransitions": 3}
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "platformctl-deploy-skeleton", "namespace": NAMESPACE}, "spec": spec}
    deployer.cluster.store.create(("coordination.k8s.io/v1", "Lease", NAMESPACE, "platformctl-deploy-skeleton"), lease)
    report = deployer.deploy("good1")
    assert report.outcome == "deployed"
    assert report.warnings == ["took over an expired deploy lock from killed job"]
    assert _lease(deployer) is None


def test_a_rollback_that_fails_too_is_exit_1_and_says_so(deployer: Deployer) -> None:
    deployer.deploy("good1")
    deployer.cluster.scenario.images[digest_fragment("good1")] = controllers.CRASH_LOOP  # the old version no longer starts either
    deployer.cluster.scenario.images[digest_fragment("bad2")] = controllers.IMAGE_PULL
    report = deployer.deploy("bad2", rollback_timeout_seconds=40)
    assert report.outcome == "rollback-failed" and report.exit_code == ExitCode.FAILED
    assert "AND the rollback to revision 1 failed too" in report.message
    assert _history(deployer) == [(1, "deployed"), (2, "failed"), (3, "rollback-failed")]


def test_the_rollback_has_its_own_time_budget(deployer: Deployer) -> None:
    deployer.deploy("good1")
    deployer.cluster.scenario.images[digest_fragment("slow2")] = controllers.STUCK
    deployer.cluster.scenario.images[digest_fragment("good1")] = controllers.STUCK
    report = deployer.deploy("slow2", timeout_seconds=20, rollback_timeout_seconds=50)
    steps = {s.name: s.seconds for s in report.steps}
    assert report.outcome == "rollback-failed"
    assert 20 <= steps["wait for rollout"] < 24 and 50 <= steps["roll back to revision 1"] < 54


def _orphan(d: Deployer) -> None:
    """An object an older render had: labelled part of the set, of a kind the parent lists."""
    parent = d.live("ConfigMap", "applyset-skeleton", "v1")
    set_id = parent["metadata"]["labels"]["applyset.kubernetes.io/id"]
    body = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "skeleton-legacy", "namespace": NAMESPACE, "labels": {"applyset.kubernetes.io/part-of": set_id}},
        "spec": {},
    }
    d.cluster.store.create(("v1", "Service", NAMESPACE, "skeleton-legacy"), body)
    unrelated = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "someone-elses", "namespace": NAMESPACE}, "spec": {}}
    d.cluster.store.create(("v1", "Service", NAMESPACE, "someone-elses"), unrelated)


def test_prune_deletes_what_the_render_no_longer_has_and_only_that(deployer: Deployer) -> None:
    deployer.deploy("good1")
    _orphan(deployer)
    report = deployer.deploy("good2")
    assert report.pruned == ["Service/skeleton-legacy"]
    assert deployer.live("Service", "skeleton-legacy", "v1") is None
    assert deployer.live("Service", "someone-elses", "v1") is not None, "never prune by guessing"
    assert deployer.live("Service", "skeleton", "v1") is not None


def test_prod_prunes_only_with_the_flag(deployer: Deployer) -> None:
    deployer.deploy("good1", env="prod")
    _orphan(deployer)
    report = deployer.deploy("good2", env="prod")
    assert report.pruned == [] and report.prune_pending == ["Service/skeleton-legacy"]
    report = deployer.deploy("good3", env="prod", prune=True)
    assert report.pruned == ["Service/skeleton-legacy"]


def test_diff_is_a_server_side_dry_run_that_changes_nothing(deployer: Deployer) -> None:
    deployer.deploy("good1")
    _orphan(deployer)
    before = deployer.live_image()
    report = deployer.deploy("good2", diff=True)
    assert report.outcome == "diff"
    changes = {(d["kind"], d["name"]): d for d in report.diff}
    assert ".spec.template.spec.containers" in changes[("Deployment", "skeleton")]["fields"]
    assert changes[("Service", "skeleton-legacy")]["action"] == "prune"
    assert deployer.live_image() == before and _history(deployer) == [(1, "deployed")]


def test_no_wait_applies_and_returns(deployer: Deployer) -> None:
    report = deployer.deploy("good1", wait=False)
    assert report.outcome == "applied" and "wait for rollout" not in [s.name for s in report.steps]


def test_verification_fails_closed_and_rolls_back(deployer: Deployer) -> None:
    deployer.deploy("good1")
    report = deployer.deploy("good2", verify_minutes=5)  # no verifier reachable: that is a failure, not a pass
    assert report.outcome == "rolled-back" and "fails closed" in report.message
    calls = []

    def healthy(**kwargs: object) -> tuple[bool, str, dict]:
        calls.append(kwargs)
        return True, "error rate 0.1% <= 1%, p99 120 ms <= 1000 ms", {}

    assert deployer.deploy("good3", verify_minutes=5, verifier=healthy).outcome == "deployed"
    assert calls == [{"service": "skeleton", "env": "staging", "version": "good3", "minutes": 5}]


def test_datadog_over_threshold_rolls_back(deployer: Deployer) -> None:
    from platformctl.metrics.datadog import DatadogVerifier, Keys
    from tests.metrics.datadog_standin import API_KEY, APP_KEY, Answer, DatadogStandIn, series, serve

    standin = DatadogStandIn(
        answers={
            "sum:trace.http.request.errors": [Answer(body=series(90))],
            "sum:trace.http.request.hits": [Answer(body=series(1000))],
            "p99:trace.http.request": [Answer(body=series(0.2))],
        }
    )
    deployer.deploy("good1")
    for url in serve(standin):
        verifier = DatadogVerifier(url, Keys(API_KEY, APP_KEY), deployer.clock, error_rate_percent=1.0, p99_ms=1000)
        report = deployer.deploy("good2", verify_minutes=3, verifier=verifier)
    assert report.outcome == "rolled-back" and "error rate 9.00% > 1.0%" in report.message
    assert report.verification is not None and report.verification["errorRatePercent"] == 9.0
    assert "version:good2" in standin.queries[0]


def test_the_same_person_deploying_twice_at_once_is_still_refused(deployer: Deployer) -> None:
    from platformctl.kubernetes.lease import _micro_time

    spec = {"holderIdentity": "ci@test #a1b2c3", "leaseDurationSeconds": 120, "renewTime": _micro_time(deployer.clock.now())}
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "platformctl-deploy-skeleton", "namespace": NAMESPACE}, "spec": spec}
    deployer.cluster.store.create(("coordination.k8s.io/v1", "Lease", NAMESPACE, "platformctl-deploy-skeleton"), lease)
    with pytest.raises(LockHeld, match="ci@test #a1b2c3 holds"):
        deployer.deploy("good1")


def test_a_missing_namespace_is_bad_input_and_nothing_is_applied(cluster: Cluster, tmp_path: Path) -> None:
    from platformctl.errors import UsageError

    deployer = Deployer(cluster, tmp_path)
    cluster.store.delete(("v1", "Namespace", "", NAMESPACE))
    with pytest.raises(UsageError, match="The namespace skeleton does not exist in the cluster"):
        deployer.deploy("good1")
    assert [key for key in cluster.store.objects if key[2] == NAMESPACE] == []


def test_without_rights_on_events_and_secrets_the_deploy_still_decides(deployer: Deployer) -> None:
    deployer.deploy("good1")
    deployer.cluster.standin.forbidden |= {"events", "secrets"}
    deployer.cluster.scenario.images[digest_fragment("bad2")] = controllers.IMAGE_PULL
    report = deployer.deploy("bad2")
    assert report.outcome == "rolled-back"
    assert any(line.startswith("(events not readable: Not allowed") for line in report.evidence)
    assert any("cannot read Secret skeleton/skeleton-secrets (RBAC)" in w for w in report.warnings)
