"""`platformctl deploy`, `history` and `rollback` as CI runs them: exit codes, reports, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platformctl.paths import skeleton_dir
from tests.cli.runner import run
from tests.deploy.harness import NAMESPACE, digest_fragment, image
from tests.kube_standin import controllers
from tests.kube_standin.fixtures import Cluster
from tests.kube_standin.fixtures import cluster as cluster  # the fixture, imported under its own name
from tests.rendering.deploy_fixtures import IMAGE, OUTPUTS


@pytest.fixture
def kube(cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cluster:
    """The stand-in as the current KUBECONFIG context, with the service's namespace."""
    cluster.standin.watch_cap_seconds = 0.2
    cluster.store.create(("v1", "Namespace", "", NAMESPACE), {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}})
    config = tmp_path / "kubeconfig"
    config.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: standin\n"
        f"clusters: [{{name: standin, cluster: {{server: '{cluster.standin.host}'}}}}]\n"
        "users: [{name: ci, user: {token: not-a-secret}}]\n"
        "contexts: [{name: standin, context: {cluster: standin, user: ci}}]\n"
    )
    monkeypatch.setenv("KUBECONFIG", str(config))
    return cluster


def _deploy(capsys: pytest.CaptureFixture[str], *extra: str, env: str = "staging") -> object:
    return run(capsys, "deploy", "--env", env, "--dir", str(skeleton_dir()), "--outputs", str(OUTPUTS), "--current-context", *extra)


@pytest.mark.integration
def test_deploy_healthy_then_rolled_back_with_reports_and_history(
    capsys: pytest.CaptureFixture[str], kube: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_ACTOR", "octocat")
    report_file = tmp_path / "report.json"
    first = _deploy(capsys, "--image", image("good1"), "--report-file", str(report_file))
    assert first.code == 0, first.stderr
    assert "healthy: skeleton revision 1 is healthy in staging." in first.stderr
    assert "| INFO  [alembic.runtime.migration] Running upgrade" in first.stderr, "the migration log streams on stderr"
    assert first.stdout == ""
    document = json.loads(report_file.read_text())
    assert document["outcome"] == "deployed" and document["exitCode"] == 0 and document["steps"][0]["name"] == "lock"
    assert "### skeleton → staging: healthy" in summary.read_text()

    preview = _deploy(capsys, "--image", image("next2"), "--diff")
    assert preview.code == 0, preview.stderr
    assert "   update  Deployment/skeleton (" in preview.stdout and "   create  Job/skeleton-migrate-r2" in preview.stdout
    assert "prune" not in preview.stdout, "the previous migration Job is not an object to prune"
    assert digest_fragment("good1") in kube.store.find(("apps/v1", "Deployment", NAMESPACE, "skeleton"))["spec"]["template"]["spec"]["containers"][0]["image"]

    kube.scenario.images[digest_fragment("bad2")] = controllers.IMAGE_PULL
    second = _deploy(capsys, "--image", image("bad2"), "--json")
    assert second.code == 6, second.stderr
    assert json.loads(second.stdout)["outcome"] == "rolled-back"
    assert "ROLLED BACK: Revision 2 failed" in second.stderr and "Failed to pull image" in second.stderr

    listed = run(capsys, "history", "--env", "staging", "--dir", str(skeleton_dir()), "--current-context", "--json")
    assert listed.code == 0
    assert [(r["revision"], r["result"]) for r in json.loads(listed.stdout)] == [(1, "deployed"), (2, "failed"), (3, "rollback")]
    assert json.loads(listed.stdout)[0]["who"].startswith("octocat")

    back = run(capsys, "rollback", "--env", "staging", "--dir", str(skeleton_dir()), "--current-context", "--to", "1")
    assert back.code == 0, back.stderr
    assert "Revision 1 is back and healthy." in back.stderr


@pytest.mark.integration
def test_a_deploy_in_progress_is_exit_2_naming_its_holder(capsys: pytest.CaptureFixture[str], kube: Cluster, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    now = datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    spec = {"holderIdentity": "alice (GitHub run 77)", "leaseDurationSeconds": 120, "acquireTime": now, "renewTime": now}
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "platformctl-deploy-skeleton", "namespace": NAMESPACE}, "spec": spec}
    kube.store.create(("coordination.k8s.io/v1", "Lease", NAMESPACE, "platformctl-deploy-skeleton"), lease)
    report_file = tmp_path / "report.json"
    result = _deploy(capsys, "--image", IMAGE, "--report-file", str(report_file))
    assert result.code == 2
    assert "\nError: A deploy is already in progress: alice (GitHub run 77) holds Lease" in result.stderr
    assert json.loads(report_file.read_text())["outcome"] == "error"
    assert kube.store.find(("apps/v1", "Deployment", NAMESPACE, "skeleton")) is None


@pytest.mark.integration
def test_prod_without_a_terminal_needs_yes(capsys: pytest.CaptureFixture[str], kube: Cluster) -> None:
    result = _deploy(capsys, "--image", IMAGE, env="prod")
    assert result.code == 2 and "needs --yes" in result.stderr
    assert kube.store.find(("v1", "ConfigMap", NAMESPACE, "skeleton-config")) is None


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--env", "qa", "--image", IMAGE], 2, "There is no environment 'qa'"),
        (["--env", "staging", "--image", IMAGE.split(":")[0]], 2, "The image"),
        (["--env", "staging", "--image", IMAGE, "--timeout", "soon"], 2, "is not a duration"),
        (["--env", "staging", "--image", IMAGE, "--verify", "prometheus"], 2, "datadog"),
    ],
)
def test_bad_input_is_exit_2_before_anything_is_touched(capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str) -> None:
    result = run(capsys, "deploy", "--dir", str(skeleton_dir()), "--outputs", str(OUTPUTS), *args)
    assert result.code == code, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_broken_service_yaml_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "service.yaml").write_text("name: orders\nowner: team-a\nskeleton_version: 1\n")
    result = run(capsys, "deploy", "--env", "staging", "--dir", str(tmp_path), "--outputs", str(OUTPUTS), "--image", IMAGE)
    assert result.code == 2 and "skeleton_version" in result.stderr


@pytest.mark.integration
def test_no_cluster_for_the_environment_is_exit_2(capsys: pytest.CaptureFixture[str], moto_endpoint: str) -> None:
    result = run(capsys, "deploy", "--env", "staging", "--dir", str(skeleton_dir()), "--outputs", str(OUTPUTS), "--image", IMAGE)
    assert result.code == 2, result.stderr
    assert result.stderr.startswith("Error: There is no EKS cluster acme-prod in eu-west-1.")


@pytest.mark.integration
def test_no_aws_credentials_is_exit_3(capsys: pytest.CaptureFixture[str], moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = run(capsys, "deploy", "--env", "staging", "--dir", str(skeleton_dir()), "--outputs", str(OUTPUTS), "--image", IMAGE)
    assert result.code == 3, result.stderr
    assert "No AWS credentials" in result.stderr


@pytest.mark.integration
def test_verify_without_keys_is_exit_3_and_nothing_is_applied(capsys: pytest.CaptureFixture[str], kube: Cluster) -> None:
    result = _deploy(capsys, "--image", IMAGE, "--verify", "datadog:5")
    assert result.code == 3 and "No Datadog keys" in result.stderr
    assert kube.store.find(("v1", "ConfigMap", NAMESPACE, "skeleton-config")) is None


def test_the_generated_workflow_runs_deploy_commands_that_exist() -> None:
    import shlex

    import typer.main
    import yaml

    from platformctl.cli.app import app

    workflow = yaml.safe_load((skeleton_dir() / ".github" / "workflows" / "ci.yaml").read_text())
    deploy_command = typer.main.get_command(app).commands["deploy"]  # type: ignore[attr-defined]
    lines = [
        line.strip()
        for job in workflow["jobs"].values()
        for step in job["steps"]
        for line in str(step.get("run", "")).splitlines()
        if line.strip().startswith("platformctl ")
    ]
    assert len(lines) == 2, lines
    for line in lines:
        args = shlex.split(line.replace("${{ needs.build.outputs.image }}", IMAGE).replace("$RUNNER_TEMP", "/tmp"))
        assert args[:2] == ["platformctl", "deploy"]
        context = deploy_command.make_context("deploy", args[2:])  # raises on an option deploy does not have
        assert context.params["yes"] and context.params["outputs"] and context.params["report_file"]
