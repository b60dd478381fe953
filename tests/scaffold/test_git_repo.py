"""new-service and git: a repository of its own, except inside an existing work tree (no gitlink surprises);
--git and --no-git choose."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from platformctl.scaffold.generate import ServiceRequest, generate_service
from tests.cli.runner import run

pytestmark = pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0, reason="git is not installed")


def _outer_repository(tmp_path: Path) -> Path:
    outer = tmp_path / "monorepo"
    subprocess.run(["git", "init", "-q", str(outer)], check=True)
    (outer / "services").mkdir()
    return outer


def _make(target: Path, git: bool | None = None):
    return generate_service(ServiceRequest(name="orders", target=target, owner="team-a", git=git))


def test_inside_a_work_tree_there_is_no_nested_repository_and_it_says_so(tmp_path: Path) -> None:
    outer = _outer_repository(tmp_path)
    result = _make(outer / "services" / "orders")
    assert not result.git.committed and not (outer / "services/orders/.git").exists()
    assert f"inside the git work tree of {outer}" in result.git.detail and "--git" in result.git.detail
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=outer, capture_output=True, text=True, check=True).stdout
    assert "services/orders/service.yaml" in status, "the outer repository sees the service's files, not a gitlink"


def test_git_forces_a_repository_even_inside_a_work_tree(tmp_path: Path) -> None:
    outer = _outer_repository(tmp_path)
    result = _make(outer / "services" / "orders", git=True)
    assert result.git.committed and (outer / "services/orders/.git").is_dir()


def test_no_git_means_no_repository(tmp_path: Path) -> None:
    result = _make(tmp_path / "orders", git=False)
    assert not result.git.committed and "--no-git" in result.git.detail and not (tmp_path / "orders/.git").exists()


def test_outside_a_work_tree_a_repository_is_made(tmp_path: Path) -> None:
    assert _make(tmp_path / "orders").git.committed and (tmp_path / "orders/.git").is_dir()


def test_the_cli_says_why_there_is_no_repository(capsys, tmp_path: Path) -> None:
    outer = _outer_repository(tmp_path)
    result = run(capsys, "new-service", "orders", "--dir", str(outer / "services/orders"), "--owner", "team-a", "--yes")
    assert result.code == 0, result.stderr
    assert "Git: the folder is inside the git work tree of" in result.stderr
    assert run(capsys, "new-service", "billing", "--dir", str(tmp_path / "billing"), "--owner", "team-a", "--no-git").code == 0
    assert not (tmp_path / "billing/.git").exists()
