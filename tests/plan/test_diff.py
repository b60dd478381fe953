"""Plan diff on crafted pairs: identical, added, removed, changed, replaced, secret changed; and broken old plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platformctl.errors import UsageError
from platformctl.plan.diff import compare_plans
from platformctl.plan.markdown import diff_markdown
from platformctl.plan.model import SECRET_MARKER
from platformctl.plan.plan_file import read_plan
from tests.plan.conftest import crafted_plan, resource

RDS = "aws:rds/instance:Instance"
DB = {"identifier": "acme-prod-postgres", "engine": "postgres", "engineVersion": "16.4", "instanceClass": "db.r6g.large",
      "allocatedStorage": 100, "multiAz": True, "dbSubnetGroupName": "acme-prod-postgres", "kmsKeyId": "(known after apply: keys-database.arn)",
      "backupRetentionPeriod": 30}


def database(**changes: object):
    return resource(RDS, "postgres-primary", {**DB, **changes})


def logs(days: int = 90):
    return resource("aws:cloudwatch/logGroup:LogGroup", "app-logs", {"name": "/platform/app", "retentionInDays": days})


def test_identical_plans_have_no_changes() -> None:
    diff = compare_plans(crafted_plan(database(), logs()), crafted_plan(database(), logs()))
    assert not diff.has_changes and diff.unchanged == 2 and diff.monthly_cost_delta == 0
    assert "No changes" in diff_markdown(diff)


def test_added_and_removed_resources_with_their_cost() -> None:
    old = crafted_plan(database(), logs())
    new = crafted_plan(database(), resource("aws:kms/key:Key", "extra-key"))
    diff = compare_plans(old, new)
    assert [r.name for r in diff.added] == ["extra-key"] and diff.added[0].monthly_cost == 1.0
    assert [r.name for r in diff.removed] == ["app-logs"]
    removed_cost = diff.removed[0].monthly_cost
    assert removed_cost is not None and removed_cost > 0
    assert diff.monthly_cost_delta == round(1.0 - removed_cost, 2)
    text = diff_markdown(diff)
    assert "➕ add | `extra-key`" in text and "➖ remove | `app-logs`" in text and "1 to add, 1 to remove, 0 to change" in text


def test_an_in_place_change_shows_old_and_new_side_by_side() -> None:
    diff = compare_plans(crafted_plan(logs(90)), crafted_plan(logs(365)))
    (change,) = diff.changed
    assert change.action == "update"
    assert [(f.path, f.old, f.new, f.forces_replacement) for f in change.changes] == [("retentionInDays", 90, 365, False)]
    assert "| `retentionInDays` | `90` | `365` |" in diff_markdown(diff)


@pytest.mark.parametrize(
    ("field", "new_value", "replaced"),
    [
        ("engineVersion", "17.2", True),  # across majors
        ("engineVersion", "16.6", False),  # a minor version moves in place
        ("kmsKeyId", "(known after apply: other-key.arn)", True),  # the storage's KMS key
        ("dbSubnetGroupName", "acme-prod-postgres-v2", True),
        ("identifier", "acme-prod-db", True),  # the name
        ("instanceClass", "db.r6g.xlarge", False),
    ],
)
def test_replacements_are_marked_for_the_fields_that_force_them(field: str, new_value: str, replaced: bool) -> None:
    diff = compare_plans(crafted_plan(database()), crafted_plan(database(**{field: new_value})))
    (change,) = diff.changed
    assert change.action == ("replace" if replaced else "update"), f"{field} -> {new_value}"
    assert change.changes[0].forces_replacement is replaced
    assert (diff.replaced == [change]) is replaced


def test_a_bigger_instance_shows_its_cost_delta() -> None:
    diff = compare_plans(crafted_plan(database()), crafted_plan(database(instanceClass="db.r6g.xlarge")))
    (change,) = diff.changed
    assert change.monthly_cost is not None and change.monthly_cost_before is not None
    assert change.monthly_cost > change.monthly_cost_before and diff.monthly_cost_delta > 0
    assert "+$" in diff_markdown(diff)


def test_a_changed_secret_stays_redacted() -> None:
    secret_type = "aws:secretsmanager/secretVersion:SecretVersion"
    old = crafted_plan(resource(secret_type, "conn", {"secretString": SECRET_MARKER}), resource("aws:x/y:Z", "legacy", {"adminPassword": "old-pass-1"}))
    new = crafted_plan(resource(secret_type, "conn", {"secretString": "hunter2-in-clear"}), resource("aws:x/y:Z", "legacy", {"adminPassword": "new-pass-2"}))
    diff = compare_plans(old, new)
    fields = {f.path: f for c in diff.changed for f in c.changes}
    assert fields["secretString"].secret and fields["secretString"].old == fields["secretString"].new == SECRET_MARKER
    assert fields["adminPassword"].secret and fields["adminPassword"].new == SECRET_MARKER
    for text in (diff_markdown(diff), diff.model_dump_json()):
        for leaked in ("hunter2-in-clear", "old-pass-1", "new-pass-2"):
            assert leaked not in text


def test_a_new_provider_region_forces_replacement() -> None:
    moved = logs()
    moved = moved.model_copy(update={"provider": "urn:provider-eu-central-1"})
    (change,) = compare_plans(crafted_plan(logs()), crafted_plan(moved)).changed
    assert change.action == "replace" and change.changes[-1].path == "(provider)"


def test_prod_plan_against_itself_has_no_changes(prod_plan) -> None:
    diff = compare_plans(prod_plan, prod_plan)
    assert not diff.has_changes and diff.unchanged > 300


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("{not json", "invalid JSON at line 1"),
        ('{"hello": 1}', "not a plan document"),
        ('{"schema_version": 99, "layers": []}', "schema version 99"),
        ('{"schema_version": 1, "layers": [{"name": 3}]}', "not a valid plan document"),
    ],
)
def test_broken_old_plans_are_usage_errors(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "old.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UsageError) as caught:
        read_plan(path)
    assert message in caught.value.message and caught.value.hint


def test_an_old_plan_of_another_environment_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(crafted_plan(logs(), env="dev").to_json())
    with pytest.raises(UsageError) as caught:
        read_plan(path, environment="prod")
    assert "plans the dev environment, not prod" in caught.value.message
    assert read_plan(path, environment="dev").environment == "dev"
    assert json.loads(path.read_text())["environment"] == "dev"
