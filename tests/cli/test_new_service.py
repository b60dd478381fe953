"""`platformctl new-service` as a user meets it: flags, messages, exit codes, --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.runner import run


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_generates_into_dot_name_and_says_what_next(capsys, tmp_path: Path) -> None:
    result = run(capsys, "new-service", "orders", "--owner", "team-checkout")
    assert result.code == 0, result.stderr
    assert (tmp_path / "orders/service.yaml").is_file()
    assert "Created orders" in result.stderr and "features: jobs, notifications, integrations" in result.stderr
    assert "cd orders" in result.stderr and "make test" in result.stderr and "platformctl dev" in result.stderr
    assert result.stdout == ""  # stdout is for data only


def test_json_for_machines(capsys, tmp_path: Path) -> None:
    result = run(capsys, "new-service", "billing-api", "--dir", "services/billing", "--with", "search,jobs", "--json")
    assert result.code == 2 and "does not exist" in result.stderr  # services/ is not there
    (tmp_path / "services").mkdir()
    result = run(capsys, "new-service", "billing-api", "--dir", "services/billing", "--with", "search,jobs", "--json")
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["name"] == "billing-api" and document["features"] == ["jobs", "search"]
    assert document["path"] == str(tmp_path / "services/billing") and document["git"]["committed"] is True
    assert document["owner"] == "unowned" and document["files"] > 50


def test_without_an_owner_it_says_to_set_one(capsys) -> None:
    result = run(capsys, "new-service", "orders", "--yes")
    assert result.code == 0 and "Owner: not set" in result.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("new-service", "Orders"), "not a DNS-1123 label"),
        (("new-service", "class"), "Python keyword"),
        (("new-service", "kube-system"), "reserved"),
        (("new-service", "x" * 41), "at most 40"),
        (("new-service", "orders", "--with", "jobs,billing"), "Unknown feature: billing"),
        (("new-service", "orders", "--owner", "Team A"), "not a lower-case DNS label"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(capsys, tmp_path: Path, args: tuple[str, ...], says: str) -> None:
    result = run(capsys, *args)
    assert result.code == 2
    assert says in result.stderr and "Traceback" not in result.stderr
    assert "hint" in result.stderr.lower() or "Use a lower-case" in result.stderr or "Choose from" in result.stderr or "Name the" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_service_is_never_overwritten(capsys, tmp_path: Path) -> None:
    assert run(capsys, "new-service", "orders").code == 0
    (tmp_path / "orders/app/mine.py").write_text("# my work\n")
    result = run(capsys, "new-service", "orders", "--with", "all")
    assert result.code == 2 and "exists and is not empty" in result.stderr
    assert (tmp_path / "orders/app/mine.py").read_text() == "# my work\n"


def test_a_missing_name_is_a_usage_error(capsys) -> None:
    result = run(capsys, "new-service")
    assert result.code == 2 and "Missing argument" in result.stderr


def test_markup_in_names_and_paths_is_text(capsys, tmp_path: Path) -> None:
    result = run(capsys, "new-service", "[/x]")
    assert result.code == 2 and "not a DNS-1123 label" in result.stderr
    (tmp_path / "q[").mkdir()
    result = run(capsys, "new-service", "orders", "--dir", "q[/z]", "--yes")
    assert result.code == 0, result.stderr
    assert f"in {tmp_path}/q[/z]" in result.stderr
