"""new-service's generator: what a new service contains, what it leaves out, and that a failure
writes nothing."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from platformctl.config.service_file import load_service
from platformctl.errors import UsageError
from platformctl.paths import skeleton_dir, templates_dir
from platformctl.scaffold import generate
from platformctl.scaffold.generate import ServiceRequest, generate_service, resolve_features, skeleton_own_files
from platformctl.scaffold.skeleton import MANIFEST, load_skeleton


def _make(tmp_path: Path, name: str = "orders", **kwargs: object) -> generate.GeneratedService:
    return generate_service(ServiceRequest(name=name, target=tmp_path / name, owner=str(kwargs.pop("owner", "team-checkout")), **kwargs))  # type: ignore[arg-type]


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts}


def test_the_skeletons_rendered_files_are_its_templates_rendered_for_skeleton() -> None:
    """The skeleton runs as it stands, and new services are rendered from templates: the two
    must say the same. After editing templates/service/, run `python scripts/sync-skeleton.py`."""
    manifest = load_skeleton()
    for path, text in skeleton_own_files(manifest).items():
        assert (skeleton_dir() / path).read_text(encoding="utf-8") == text, f"service-skeleton/{path} differs from its template; run scripts/sync-skeleton.py"
    templates = {p.relative_to(templates_dir()).as_posix() for p in (templates_dir() / "service").rglob("*.j2")}
    assert templates == set(manifest.rendered.values()), "every service template is listed under `rendered` in skeleton.yaml"
    for paths in manifest.features.values():
        for path in paths:
            assert (skeleton_dir() / path).exists(), f"skeleton.yaml names {path}, which the skeleton lacks"


def test_a_service_with_the_default_features(tmp_path: Path) -> None:
    result = _make(tmp_path)
    root = tmp_path / "orders"
    assert result.path == root and result.features == ("jobs", "notifications", "integrations")
    manifest = load_service(root)  # valid for deploy
    assert (manifest.name, manifest.owner, manifest.skeleton_version) == ("orders", "team-checkout", load_skeleton().version)
    assert manifest.features == ["jobs", "notifications", "integrations"] and manifest.queues == ["orders-jobs"]
    assert 'name = "orders"' in (root / "pyproject.toml").read_text()
    assert 'SERVICE_NAME = "orders"' in (root / "app/about.py").read_text()
    readme = (root / "README.md").read_text()
    assert readme.startswith("# orders\n") and "Owned by `team-checkout`" in readme and "`search`" not in readme
    files = _tree(root)
    assert result.files == len(files)
    assert not any(f.startswith(("app/features/search/", "tests/features/search/")) for f in files)
    assert {"app/worker.py", "app/features/jobs/__init__.py", "tests/features/jobs/test_jobs_api.py", ".github/workflows/ci.yaml"} <= files
    assert MANIFEST not in files  # the skeleton's manifest is not the service's
    assert not any(part in {".venv", "__pycache__", ".local", ".pytest_cache"} for f in files for part in f.split("/"))
    assert stat.S_IMODE((root).stat().st_mode) & 0o055 == 0o055 & ~_umask()  # an ordinary folder, not mkdtemp's 0700


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_every_file_of_the_skeleton_is_either_copied_rendered_or_dropped_for_a_feature(tmp_path: Path) -> None:
    _make(tmp_path, features=("all",))
    copied = _tree(tmp_path / "orders")
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=skeleton_dir(), capture_output=True, text=True
    )
    if listed.returncode != 0:
        pytest.skip(f"the skeleton is not in a git checkout here, so git cannot say which files it ignores: {listed.stderr.strip()}")
    assert set(listed.stdout.split()) - {MANIFEST} == copied  # nothing git would keep is lost, nothing it ignores comes along


def test_the_core_only(tmp_path: Path) -> None:
    result = _make(tmp_path, features=("none",))
    files = _tree(tmp_path / "orders")
    assert result.features == ()
    assert "app/worker.py" not in files and not any(f.startswith("app/features/") and f.count("/") > 2 for f in files)
    manifest = load_service(tmp_path / "orders")
    assert manifest.features == [] and manifest.queues == []
    assert "no optional features" in (tmp_path / "orders/README.md").read_text()


def test_the_service_is_committed_to_a_new_repository(tmp_path: Path) -> None:
    result = _make(tmp_path)
    root = tmp_path / "orders"
    assert result.git.committed
    log = subprocess.run(["git", "log", "--format=%h %s"], cwd=root, capture_output=True, text=True, check=True).stdout.splitlines()
    assert log == [f"{result.git.detail} New service orders from service-skeleton {load_skeleton().version}"]
    assert subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True).stdout == ""


def test_git_without_a_configured_identity_still_commits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(var, raising=False)
    assert _make(tmp_path).git.committed


def test_without_git_the_service_is_still_generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generate.shutil, "which", lambda _name: None)
    result = _make(tmp_path)
    assert not result.git.committed and "git is not installed" in result.git.detail
    assert (tmp_path / "orders/service.yaml").is_file() and not (tmp_path / "orders/.git").exists()


def test_an_empty_existing_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / "orders").mkdir()
    _make(tmp_path)
    assert (tmp_path / "orders/service.yaml").is_file()


@pytest.mark.parametrize(
    ("prepare", "says"),
    [
        (lambda t: (t / "orders").mkdir() or (t / "orders/notes.txt").write_text("mine"), "exists and is not empty"),
        (lambda t: (t / "orders").write_text("a file"), "exists and is not a folder"),
    ],
)
def test_an_occupied_target_is_refused_and_left_alone(tmp_path: Path, prepare, says: str) -> None:  # type: ignore[no-untyped-def]
    prepare(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(UsageError, match=says):
        _make(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_missing_parent_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        generate_service(ServiceRequest(name="orders", target=tmp_path / "no" / "orders", owner="team-a"))
    assert not (tmp_path / "no").exists()


def test_bad_owner_or_feature_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="owner 'Team A'"):
        _make(tmp_path, owner="Team A")
    with pytest.raises(UsageError, match="Unknown features: billing, queues") as caught:
        _make(tmp_path, features=("jobs", "queues", "billing"))
    assert "jobs, notifications, integrations, search" in (caught.value.hint or "")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_half_way_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(folder: Path, message: str) -> generate.GitResult:
        assert (folder / "service.yaml").is_file()  # it failed after files were written
        raise KeyboardInterrupt

    monkeypatch.setattr(generate, "commit_new_repository", broken)
    with pytest.raises(KeyboardInterrupt):
        _make(tmp_path)
    assert list(tmp_path.iterdir()) == []  # no target, no hidden staging folder


def test_feature_selection_keeps_the_skeletons_order() -> None:
    manifest = load_skeleton()
    assert resolve_features(("search", " jobs"), manifest) == ("jobs", "search")
    assert resolve_features(("all",), manifest) == tuple(manifest.features)
    assert resolve_features(None, manifest) == tuple(manifest.default_features)
    with pytest.raises(UsageError, match="No feature was named"):
        resolve_features(("", " "), manifest)  # `--with ""` is a mistake, not a silent `none`


def test_the_bundled_skeleton_is_found_beside_the_package() -> None:
    assert (skeleton_dir() / MANIFEST).is_file() and shutil.which("git")


def test_the_current_folder_can_be_the_target_and_survives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = tmp_path / "orders"
    here.mkdir(mode=0o750)
    monkeypatch.chdir(here)
    result = generate_service(ServiceRequest(name="orders", target=Path("."), owner="team-a"))
    assert Path.cwd() == here and here.exists()  # the same folder, not a new one in its place
    assert (here / "service.yaml").is_file() and stat.S_IMODE(here.stat().st_mode) == 0o750
    assert not result.next_steps[0].startswith("cd ")
    assert [p.name for p in tmp_path.iterdir()] == ["orders"]  # no staging folder left


def test_an_inherited_git_dir_does_not_send_the_commit_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outer = tmp_path / "outer"
    subprocess.run(["git", "init", "-q", str(outer)], check=True)
    monkeypatch.setenv("GIT_DIR", str(outer / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(outer))
    result = _make(tmp_path)
    monkeypatch.delenv("GIT_DIR")
    monkeypatch.delenv("GIT_WORK_TREE")
    assert result.git.committed and (tmp_path / "orders/.git").is_dir()
    outer_log = subprocess.run(["git", "log", "--oneline"], cwd=outer, capture_output=True, text=True)
    assert "New service" not in outer_log.stdout


def test_a_target_inside_the_skeleton_is_refused() -> None:
    with pytest.raises(UsageError, match="inside the service skeleton"):
        generate_service(ServiceRequest(name="inner", target=skeleton_dir() / "inner", owner="team-a"))
    assert not (skeleton_dir() / "inner").exists()


def test_a_symlink_to_an_empty_folder_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    result = generate_service(ServiceRequest(name="orders", target=tmp_path / "link", owner="team-a"))
    assert result.path == tmp_path / "real" and (tmp_path / "real/service.yaml").is_file()
