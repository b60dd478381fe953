"""`plan`'s readers from the command line: the cost after the summary, --cost-only, --format markdown, --diagram, --compare and its exit codes."""

from __future__ import annotations

import json
import shutil

import pytest

from platformctl.core.diagnostics import diagnose
from platformctl.plan.model import Plan
from tests.cli.runner import run
from tests.conftest import running_in_ci

LAYER = "messaging"  # no dependencies: quick


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_summary_is_followed_by_the_cost(capsys, in_tmp) -> None:
    result = run(capsys, "plan", "--env", "prod", "--layer", LAYER)
    assert result.code == 0, result.stderr
    assert result.stdout.index("Plan for prod:") < result.stdout.index("Estimated monthly cost: $")
    assert "Top 5 of" in result.stdout


def test_json_carries_the_estimate_and_out_writes_the_same_bytes(capsys, in_tmp) -> None:
    result = run(capsys, "plan", "--env", "prod", "--layer", LAYER, "--json", "--out", "plan.json")
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    estimate = doc["cost_estimate"]
    assert estimate["monthly_total"] > 0 and set(estimate["by_layer"]) == {LAYER}
    assert estimate["price_table_version"] and estimate["prices_as_of"]
    assert (in_tmp / "plan.json").read_text() == result.stdout
    assert Plan.model_validate(doc).environment == "prod", "the estimate beside the plan must not stop it being read as a plan"


def test_cost_only_in_each_form(capsys, in_tmp) -> None:
    text = run(capsys, "plan", "--env", "prod", "--layer", LAYER, "--cost-only")
    assert text.code == 0 and "By layer" in text.stdout and "Usage assumptions" in text.stdout and "platform-messaging" not in text.stdout
    as_json = run(capsys, "plan", "--env", "prod", "--layer", LAYER, "--cost-only", "--json")
    estimate = json.loads(as_json.stdout)
    assert estimate["currency"] == "USD" and "layers" not in estimate
    markdown = run(capsys, "plan", "--env", "prod", "--layer", LAYER, "--cost-only", "--format", "markdown")
    assert markdown.stdout.startswith("### Estimated monthly cost: $") and "| layer | monthly |" in markdown.stdout


def test_compare_exit_codes_and_markdown(capsys, in_tmp) -> None:
    first = run(capsys, "plan", "--env", "prod", "--layer", LAYER, "--out", "old.json")
    assert first.code == 0, first.stderr
    same = run(capsys, "plan", "--env", "prod", "--layer", LAYER, "--compare", "old.json")
    assert same.code == 0 and "No changes" in same.stdout

    doc = json.loads((in_tmp / "old.json").read_text())
    resources = doc["layers"][0]["resources"]
    queue = next(r for r in resources if r["type"] == "aws:sqs/queue:Queue")
    queue["inputs"]["messageRetentionSeconds"] = 60  # the new plan differs: an update
    resources.remove(next(r for r in resources if r["type"] == "aws:sns/topic:Topic"))  # ... and an added topic
    (in_tmp / "old.json").write_text(json.dumps(doc))
    changed = run(capsys, "plan", "--env", "prod", "--layer", LAYER, "--compare", "old.json", "--format", "markdown")
    assert changed.code == 5, changed.stderr
    assert "1 to add, 0 to remove, 1 to change" in changed.stdout and "`messageRetentionSeconds`" in changed.stdout
    as_json = run(capsys, "plan", "--env", "prod", "--layer", LAYER, "--compare", "old.json", "--json")
    assert as_json.code == 5 and json.loads(as_json.stdout)["has_changes"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--compare", "missing.json"], "does not exist"),
        (["--compare", "broken.json"], "invalid JSON"),
        (["--diagram", "arch.pdf"], ".svg or .png"),
        (["--format", "html"], "no --format 'html'"),
        (["--cost-only", "--compare", "broken.json"], "cannot be combined"),
    ],
)
def test_bad_review_options_fail_fast_with_exit_2_and_write_nothing(capsys, in_tmp, args, message) -> None:
    (in_tmp / "broken.json").write_text("{oops")
    result = run(capsys, "plan", "--env", "prod", "--layer", LAYER, "--out", "plan.json", *args)
    assert result.code == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and f"planning {LAYER}" not in result.stderr, "bad input is refused before the plan runs"
    assert not (in_tmp / "plan.json").exists()


def test_missing_graphviz_is_exit_3_before_the_plan_runs(capsys, in_tmp, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(in_tmp))
    result = run(capsys, "plan", "--env", "prod", "--layer", LAYER, "--diagram", "d.svg")
    assert result.code == 3 and "apt-get install graphviz" in result.stderr
    assert f"planning {LAYER}" not in result.stderr and not (in_tmp / "d.svg").exists()


def test_prod_with_diagram_and_compare(capsys, in_tmp) -> None:
    """The issue's 'done when': `plan --env prod --diagram d.svg --compare old.json` on the whole sample platform."""
    if shutil.which("dot") is None:

        if running_in_ci():
            pytest.fail("graphviz is not installed: CI must install it")
        pytest.skip("graphviz's dot is not installed")
    from platformctl.core.planning import build_plan
    from platformctl.engines.embedded.runner import EmbeddedEngine
    from tests.stacks.conftest import sample_platform

    old = build_plan(engine=EmbeddedEngine(), loaded=sample_platform(), env="prod", layers=["network"])  # an older plan: only the network existed
    (in_tmp / "old.json").write_text(old.to_json())
    result = run(capsys, "plan", "--env", "prod", "--diagram", "d.svg", "--compare", "old.json")
    assert result.code == 5, result.stderr
    assert "0 to remove, 0 to change" in result.stdout and "55 unchanged" in result.stdout and "+$" in result.stdout
    assert (in_tmp / "d.svg").read_text().count('class="edge dr&#45;replication"') == 5


def test_doctor_names_the_graphviz_fix() -> None:
    class NoTools:
        def which(self, name: str) -> None:
            return None

        def run(self, argv: object) -> tuple[int, str]:
            raise AssertionError("nothing is installed, so nothing runs")

    dot = next(c for c in diagnose(runner=NoTools(), identity=lambda: "arn").checks if c.name == "dot")
    assert dot.status == "missing" and dot.fix is not None and "apt-get install graphviz" in dot.fix and "diagram" in dot.fix
