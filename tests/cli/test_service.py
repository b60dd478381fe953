"""`platformctl service plan|up|destroy`: the plan document, the lifecycle engine's calls, and bad input stopped before anything runs."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from platformctl.engines.base import EventSink, LayerInput, LayerResult, ResourceProgress, ignore_events
from platformctl.paths import skeleton_dir
from platformctl.plan.model import LayerPlan, Plan
from platformctl.plan.summary import summarize
from platformctl.wiring import Wiring
from tests.cli.runner import Result, run


@dataclass
class FakeLifecycleEngine:
    """Records what it was asked to do and reports success, emitting one resource event like the cloud engine."""

    calls: list[tuple[str, LayerInput, str]] = field(default_factory=list)
    status: str = "succeeded"

    def _run(self, operation: str, layer: LayerInput, stack: str, on_event: EventSink) -> LayerResult:
        self.calls.append((operation, layer, stack))
        on_event(
            ResourceProgress(
                layer.name,
                f"urn:pulumi:{stack}::{layer.project}::aws:ecr/repository:Repository::image",
                "aws:ecr/repository:Repository",
                "create" if operation == "up" else "delete",
                "done",
            )
        )
        error = "AccessDenied on iam:CreateRole" if self.status == "failed" else None
        return LayerResult(layer.name, operation, self.status, changes={"create" if operation == "up" else "delete": 12}, error=error)  # type: ignore[arg-type]

    def preview(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerPlan:
        raise AssertionError("service commands never preview")

    def up(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerResult:
        return self._run("up", layer, stack, on_event)

    def destroy(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerResult:
        return self._run("destroy", layer, stack, on_event)

    def refresh(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerResult:
        raise AssertionError("service commands never refresh")

    def outputs(self, layer: LayerInput, *, stack: str) -> dict[str, Any]:
        return {}


@pytest.fixture
def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A service folder holding the skeleton's service.yaml, renamed `orders`, and no platform.yaml (the sample)."""
    folder = tmp_path / "orders"
    folder.mkdir()
    text = (skeleton_dir() / "service.yaml").read_text().replace("name: skeleton", "name: orders", 1)
    (folder / "service.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    return folder


def _wiring(engine: FakeLifecycleEngine) -> Wiring:
    return Wiring(lifecycle_engine=lambda: engine)


def _one_error_line(result: Result) -> None:
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, f"one error line expected, stderr was:\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr


def read_plan(document: str) -> tuple[Plan, list[Any]]:
    """What every consumer of plans does first: parse the document and summarise it."""
    plan = Plan.model_validate_json(document)
    return plan, summarize(plan)


def test_service_plan_is_the_same_document_as_a_layer_plan(capsys: pytest.CaptureFixture[str], service: Path) -> None:
    layer = run(capsys, "plan", "--env", "prod", "--layer", "messaging", "--json")
    assert layer.code == 0, layer.stderr
    result = run(capsys, "service", "plan", "--env", "prod", "--dir", str(service), "--json")
    assert result.code == 0, result.stderr
    layer_doc, service_doc = json.loads(layer.stdout), json.loads(result.stdout)
    assert set(layer_doc) == set(service_doc), "the top-level fields of the two documents differ"
    assert set(layer_doc["layers"][0]) == set(service_doc["layers"][0]), "a service's layer entry must have a layer's fields"
    for document in (layer.stdout, result.stdout):
        plan, rows = read_plan(document)
        assert plan.layers and rows, "both documents must read as plans with resources"
    (stack,) = json.loads(result.stdout)["layers"]
    assert stack["project"] == "service-orders" and stack["stack"] == "prod", "service stacks are named service-<name>/<env>"
    types = {r["type"] for r in stack["resources"]}
    for needed in (
        "aws:ecr/repository:Repository",
        "aws:iam/role:Role",
        "aws:sqs/queue:Queue",
        "kubernetes:batch/v1:Job",
        "aws:secretsmanager/secret:Secret",
        "kubernetes:core/v1:Namespace",
        "kubernetes:configuration.konghq.com/v1:KongPlugin",
        "kubernetes:networking.k8s.io/v1:Ingress",
    ):
        assert needed in types, f"service plan --env prod lacks {needed}"
    roles = {r["inputs"]["name"] for r in stack["resources"] if r["type"] == "aws:iam/role:Role"}
    workflow = (skeleton_dir() / ".github/workflows/ci.yaml").read_text()
    for role in ("orders-ci-build", "orders-prod-ci-deploy"):
        assert role in roles, f"the plan must create {role}"
        assert role.replace("orders", "${{ env.SERVICE }}") in workflow, f"the CI workflow must assume {role}"
    assert "platformctl service up --env" in workflow, "the CI workflow's comment must name the command that creates its roles"
    assert "Next: `platformctl service up --env prod`" in result.stderr


def test_a_service_plan_with_few_priced_items_does_not_promise_a_top_five(capsys: pytest.CaptureFixture[str], service: Path) -> None:
    result = run(capsys, "service", "plan", "--env", "prod", "--dir", str(service))
    assert result.code == 0, result.stderr
    assert "Top 5 of" not in result.stdout, "a list shorter than five is not a top five"
    assert re.search(r"All \d+ priced resources?", result.stdout), result.stdout[-800:]


def test_up_and_destroy_go_to_the_lifecycle_engine(capsys: pytest.CaptureFixture[str], service: Path) -> None:
    engine = FakeLifecycleEngine()
    up = run(capsys, "service", "up", "--env", "prod", "--dir", str(service), "--yes", wiring=_wiring(engine))
    assert up.code == 0, up.stderr
    destroy = run(capsys, "service", "destroy", "--env", "dev", "--dir", str(service), "--yes", "--json", wiring=_wiring(engine))
    assert destroy.code == 0, destroy.stderr
    assert [(op, layer.project, layer.module, stack) for op, layer, stack in engine.calls] == [
        ("up", "service-orders", "stacks.service.program", "prod"),
        ("destroy", "service-orders", "stacks.service.program", "dev"),
    ]
    assert engine.calls[0][1].config["githubEnvironments"] == ["production"] and engine.calls[0][1].config["ownsRegistry"] is True
    assert "service-orders (prod): up succeeded: 12 create." in up.stdout
    assert "create aws:ecr/repository:Repository image: done" in up.stderr, "resource progress goes to stderr"
    assert json.loads(destroy.stdout)["status"] == "succeeded"


def test_a_failed_up_exits_1_with_the_engines_reason(capsys: pytest.CaptureFixture[str], service: Path) -> None:
    engine = FakeLifecycleEngine(status="failed")
    result = run(capsys, "service", "up", "--env", "dev", "--dir", str(service), wiring=_wiring(engine))
    assert result.code == 1, result.stderr
    _one_error_line(result)
    assert "AccessDenied on iam:CreateRole" in result.stderr


def test_destroy_without_yes_and_no_terminal_refuses(capsys: pytest.CaptureFixture[str], service: Path) -> None:
    engine = FakeLifecycleEngine()
    result = run(capsys, "service", "destroy", "--env", "dev", "--dir", str(service), wiring=_wiring(engine))
    assert result.code == 2 and not engine.calls, result.stderr
    _one_error_line(result)


@pytest.mark.parametrize("command", ["plan", "up", "destroy"])
@pytest.mark.parametrize(
    "case",
    ["broken service.yaml", "platform namespace", "unknown environment", "no service.yaml"],
)
def test_bad_input_exits_2_with_one_line_and_applies_nothing(capsys: pytest.CaptureFixture[str], service: Path, command: str, case: str) -> None:
    engine = FakeLifecycleEngine()
    env = "dev"
    text = (service / "service.yaml").read_text()
    if case == "broken service.yaml":
        (service / "service.yaml").write_text(text.replace("route: public", "route: everywhere"))
    elif case == "platform namespace":
        (service / "service.yaml").write_text(text.replace("name: orders", "name: ingress"))
    elif case == "unknown environment":
        env = "qa"
    else:
        shutil.rmtree(service)
        service.mkdir()
    before = sorted(p.name for p in service.parent.rglob("*"))
    result = run(capsys, "service", command, "--env", env, "--dir", str(service), *(["--yes"] if command != "plan" else []), wiring=_wiring(engine))
    assert result.code == 2, f"{case}: exit {result.code}\n{result.stderr}"
    _one_error_line(result)
    assert not engine.calls, f"{case}: the engine was called"
    assert sorted(p.name for p in service.parent.rglob("*")) == before, f"{case}: files were written"
    assert result.stdout == "", f"{case}: nothing on stdout"
