"""`up` then `destroy` of the network layer on real AWS with the real Pulumi CLI, on a file:// backend.

Deselected unless PLATFORMCTL_CLOUD_TESTS=1 (tests/conftest.py): it needs the Pulumi CLI on PATH and AWS
credentials for an account where a VPC may be created and deleted (a few cents, about 5 minutes).
Run: PLATFORMCTL_CLOUD_TESTS=1 AWS_PROFILE=sandbox .venv/bin/python -m pytest -m cloud -p no:cacheprovider tests/cloud
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from platformctl.config.settings import Settings
from platformctl.wiring import Wiring
from tests.cli.runner import run

pytestmark = pytest.mark.cloud


def test_network_up_outputs_and_destroy(capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"):
        if name in _REAL_ENV:
            monkeypatch.setenv(name, _REAL_ENV[name])
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "platformctl-cloud-test")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "state").mkdir()
    settings = Settings(state_url=f"file://{tmp_path / 'state'}", work_dir=tmp_path / "runs")
    wiring = Wiring(settings_factory=lambda: settings)

    up = run(capsys, "up", "--env", "dev", "--layer", "network", "--yes", wiring=wiring)
    try:
        assert up.code == 0, up.stderr
        outputs = json.loads(run(capsys, "outputs", "--env", "dev", "--layer", "network", "--json", wiring=wiring).stdout)
        assert outputs["outputs"]["network"]["vpcId"].startswith("vpc-")
        assert run(capsys, "drift", "--env", "dev", "--layer", "network", wiring=wiring).code == 0
    finally:
        down = run(capsys, "destroy", "--env", "dev", "--layer", "network", "--yes", "--include-protected", wiring=wiring)
    assert down.code == 0, down.stderr


# tests/conftest.py clears AWS_* for isolation; this test needs the caller's real credentials back.
_REAL_ENV = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
