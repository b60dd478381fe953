"""The container definition: checkov's Dockerfile checks find nothing, and the rules we rely on hold."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from service_testing import missing_tool

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"


def _checkov() -> str:
    found = os.environ.get("CHECKOV_BIN") or shutil.which("checkov")
    if not found or not Path(found).exists():
        missing_tool("checkov not found: set CHECKOV_BIN or put checkov on PATH (pip install checkov, in its own venv)")
    assert found is not None
    return found


def test_checkov_finds_nothing_in_the_dockerfile():
    result = subprocess.run(
        [
            _checkov(),
            "-f",
            str(DOCKERFILE),
            "--framework",
            "dockerfile",
            "--skip-download",
            "--output",
            "json",
            "--compact",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    report = json.loads(result.stdout) if result.stdout.strip().startswith(("{", "[")) else {}
    reports = report if isinstance(report, list) else [report]
    failed = [
        check["check_id"] + " " + check["check_name"] for r in reports for check in r.get("results", {}).get("failed_checks", [])
    ]
    assert failed == [], f"checkov failed checks: {failed}"
    passed = sum(r.get("summary", {}).get("passed", 0) for r in reports)
    assert result.returncode == 0 and passed > 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_dockerfile_rules():
    text = DOCKERFILE.read_text()
    bases = re.findall(r"^FROM\s+(\S+)", text, flags=re.M)
    assert len(bases) == 2, "multi-stage: a build stage and a runtime stage"
    assert all(re.fullmatch(r"python:3\.11\.\d+-slim-bookworm", base) for base in bases), bases
    runtime = text.split("AS runtime", 1)[1]
    assert "USER 10001" in runtime
    assert "HEALTHCHECK" in runtime
    assert "apt-get" not in runtime and "pip install" not in runtime, "no build tools in the final image"
    assert "COPY --from=build" in runtime


def test_dockerignore_keeps_the_context_small():
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    assert lines[[line.strip() for line in lines].index("*")] == "*"
    assert "!app/" in lines
