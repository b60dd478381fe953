"""The service's GitHub Actions workflow: valid against the workflow schema, and wired as designed
(test with PostgreSQL and Redis services -> ECR push with OIDC -> staging -> approved production)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "ci.yaml"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+\.\d+\.\d+|[0-9a-f]{40})$")


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    # PyYAML reads the key `on` as True (YAML 1.1); that is how GitHub's own parser differs.
    data = yaml.safe_load(WORKFLOW.read_text())
    data["on"] = data.pop(True, data.get("on"))
    return data


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps", [])


def _uses(job: dict[str, Any], action: str) -> dict[str, Any]:
    found = [s for s in _steps(job) if s.get("uses", "").split("@")[0] == action]
    assert found, f"job does not use {action}"
    return found[0]


def test_has_the_pipeline_jobs_in_order(workflow: dict[str, Any]) -> None:
    jobs = workflow["jobs"]
    assert list(jobs) == ["test", "build", "deploy-staging", "deploy-production"]
    assert jobs["build"]["needs"] == "test"
    assert jobs["deploy-staging"]["needs"] == "build"
    assert "deploy-staging" in jobs["deploy-production"]["needs"]
    assert set(workflow["on"]) >= {"push", "pull_request"}


def test_tests_run_against_postgres_and_redis_services(workflow: dict[str, Any]) -> None:
    test = workflow["jobs"]["test"]
    assert test["services"]["postgres"]["image"].startswith("postgres:")
    assert test["services"]["redis"]["image"].startswith("redis:")
    assert "pg_isready" in test["services"]["postgres"]["options"]
    assert any("pytest" in s.get("run", "") for s in _steps(test))
    assert test["env"]["CI"] == "true"  # the suite fails instead of skipping when a tool is missing


def test_image_is_pushed_to_ecr_with_oidc(workflow: dict[str, Any]) -> None:
    build = workflow["jobs"]["build"]
    assert build["permissions"]["id-token"] == "write"
    creds = _uses(build, "aws-actions/configure-aws-credentials")["with"]
    assert "role-to-assume" in creds and "aws-access-key-id" not in creds
    _uses(build, "aws-actions/amazon-ecr-login")
    push = _uses(build, "docker/build-push-action")["with"]
    assert push["push"] is True
    image = next(s for s in _steps(build) if s.get("id") == "image")["run"]
    assert "/${{ env.SERVICE }}:${{ github.sha }}" in image  # the image is named after the service
    assert build["if"].count("refs/heads/main") == 1  # pull requests never push


def test_service_name_comes_from_service_yaml(workflow: dict[str, Any]) -> None:
    """The workflow names no service: every job that uses the name reads it from service.yaml
    before its first use, so a generated service needs no edit here."""
    assert "SERVICE" not in workflow.get("env", {})
    for name, job in workflow["jobs"].items():
        steps = _steps(job)
        uses = [i for i, s in enumerate(steps) if "env.SERVICE" in str(s)]
        if not uses:
            continue
        sets = [i for i, s in enumerate(steps) if "yq -r .name service.yaml" in s.get("run", "") and "GITHUB_ENV" in s["run"]]
        assert sets and sets[0] < uses[0], f"job {name} uses env.SERVICE before reading it from service.yaml"


def test_deploys_with_platformctl_staging_then_approved_production(workflow: dict[str, Any]) -> None:
    staging, prod = workflow["jobs"]["deploy-staging"], workflow["jobs"]["deploy-production"]
    assert staging["environment"]["name"] == "staging"
    assert prod["environment"]["name"] == "production"  # required reviewers live on this environment
    for job, env in ((staging, "staging"), (prod, "prod")):
        runs = " ".join(s.get("run", "") for s in _steps(job))
        assert f"platformctl deploy --env {env} --image" in runs
        assert "needs.build.outputs.image" in runs
        assert job["permissions"]["id-token"] == "write"
        assert job["concurrency"]["cancel-in-progress"] is False  # never cut a rollout in half


def test_every_action_is_pinned_to_a_version(workflow: dict[str, Any]) -> None:
    for name, job in workflow["jobs"].items():
        for step in _steps(job):
            if "uses" in step:
                assert PINNED.match(step["uses"]), f"{name}: {step['uses']} is not pinned to vX.Y.Z or a commit"


def test_default_token_is_read_only(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read"}


def test_valid_against_the_github_workflow_schema(require: Any) -> None:
    require(
        importlib.util.find_spec("check_jsonschema") is not None,
        "check-jsonschema is not installed (pip install check-jsonschema): it carries the workflow schema",
    )
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
