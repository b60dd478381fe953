"""The built wheel carries stacks/, templates/ and service-skeleton/, and plans from any directory."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)], check=True, capture_output=True, text=True)
    (found,) = out.glob("platformctl-*.whl")
    return found


@pytest.mark.e2e
def test_wheel_carries_the_bundled_folders(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    bundled = ("stacks/outputs.py", "templates/platform/platform.yaml.j2", "stacks/messaging/Pulumi.yaml")
    for required in (f"platformctl/_data/{path}" for path in bundled):
        assert required in names, f"the wheel lacks {required}"
    assert any(n.startswith("platformctl/_data/service-skeleton/") for n in names), "the wheel lacks service-skeleton/"
    assert "platformctl/_data/service-skeleton/.github/workflows/ci.yaml" in names, "dot-folders of the skeleton ship too"
    # What a developer's checkout accumulates (virtualenvs, caches, local state, secrets) never ships.
    leaked = [n for n in names if {".venv", ".local", "__pycache__", ".pytest_cache", ".env", ".coverage"} & set(n.split("/")) or n.endswith(".pem")]
    assert not leaked, leaked


@pytest.mark.e2e
def test_installed_wheel_plans_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True)
    # Dependencies come from this test's environment (a .pth file) so the test needs no network;
    # the checkout itself is not on the path, so only the wheel's copy of platformctl can be found.
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([str(python), "-c", purelib], capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "deps-from-test-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    done = subprocess.run(
        [str(env_dir / "bin" / "platformctl"), "plan", "--env", "dev", "--layer", "messaging", "--json"],
        cwd=workdir, capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert "built-in sample" in done.stderr
    assert plan["layers"][0]["name"] == "messaging" and plan["layers"][0]["resources"]
    stacks_dir = "import platformctl.paths as p; print(p.stacks_dir())"
    where = subprocess.run([str(python), "-c", stacks_dir], capture_output=True, text=True, check=True, cwd=workdir).stdout
    assert "_data" in where and str(ROOT) not in where
