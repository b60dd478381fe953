"""The rendered manifests pass the real validators: kubernetes-validate --strict (1.30-1.33) and checkov."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from platformctl.rendering.folder import write_folder
from tests.conftest import running_in_ci
from tests.rendering.deploy_fixtures import CUSTOM_RESOURCES, render

VERSIONS = ["1.30.0", "1.31.0", "1.32.0", "1.33.0"]
# checkov checks skipped for these manifests, each with its reason (at most three). None are needed today.
CHECKOV_SKIPS: dict[str, str] = {}


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = []
    for env in ("dev", "prod"):
        target = tmp_path_factory.mktemp("manifests") / env
        write_folder(target, render(env).rendered.files())
        out.append(target)
    return out


@pytest.mark.parametrize("version", VERSIONS)
def test_each_object_is_valid_for_kubernetes(version: str) -> None:
    import kubernetes_validate
    from kubernetes_validate.utils import SchemaNotFoundError

    for env in ("dev", "prod"):
        rendered = render(env).rendered
        for manifest in (rendered.parent, *rendered.manifests):
            try:
                kubernetes_validate.validate(manifest.body, version, strict=True)
            except SchemaNotFoundError:
                # An unknown apiVersion is only a warning to the tool: a failure here unless it is a known custom resource.
                assert (manifest.api_version, manifest.kind) in CUSTOM_RESOURCES, f"{manifest.kind}/{manifest.name}: no schema for {manifest.api_version}"


@pytest.mark.parametrize("version", ["1.30.0", "1.33.0"])
def test_the_kubernetes_validate_command_accepts_the_folder(folders: list[Path], version: str) -> None:
    tool = Path(sys.executable).with_name("kubernetes-validate")
    files = sorted(str(p) for folder in folders for p in folder.glob("*.yaml"))
    result = subprocess.run([str(tool), "-k", version, "--strict", *files], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith(("WARN", "ERROR"))]
    allowed = [f"kind {kind} with api version {api}" for api, kind in CUSTOM_RESOURCES]
    unexpected = [line for line in warnings if not any(a in line for a in allowed)]
    assert unexpected == [], unexpected
    assert sum(line.startswith("INFO") for line in result.stdout.splitlines()) >= len(files) - 2 * len(folders)


def _checkov() -> str:
    candidates = [os.environ.get("CHECKOV_BIN"), str(Path(__file__).resolve().parents[2] / ".venv-checkov" / "bin" / "checkov"), shutil.which("checkov")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    if running_in_ci():
        pytest.fail("checkov is not installed: scripts/test.sh installs it into .venv-checkov")
    pytest.skip("checkov is not installed: run scripts/test.sh once (it makes .venv-checkov)")


@pytest.mark.integration
def test_checkov_finds_nothing(folders: list[Path]) -> None:
    assert len(CHECKOV_SKIPS) <= 3
    checkov = _checkov()
    for folder in folders:
        args = [checkov, "--framework", "kubernetes", "-d", str(folder), "--skip-download", "-o", "json", "--quiet"]
        if CHECKOV_SKIPS:
            args += ["--skip-check", ",".join(CHECKOV_SKIPS)]
        result = subprocess.run(args, capture_output=True, text=True, timeout=180)
        report = json.loads(result.stdout)
        summary = report["summary"]
        failed = [f"{c['check_id']} {c['resource']}" for c in report["results"]["failed_checks"]]
        assert failed == [] and summary["failed"] == 0, failed
        assert summary["passed"] > 100, "checkov ran no checks: it did not read the manifests"
