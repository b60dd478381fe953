"""The stand-in Pulumi CLI on PATH for one test, with a file:// backend, a scenario, and the log of its calls."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).with_name("pulumi_standin.py")


@dataclass
class StandIn:
    root: Path

    @property
    def backend_url(self) -> str:
        return f"file://{self.root / 'state'}"

    def scenario(self, plays: dict[str, dict[str, Any]]) -> None:
        """What each project's operations do: {"platform-network": {"up": {"resources": [...], "outputs": {...}}}}."""
        (self.root / "scenario.json").write_text(json.dumps(plays))

    def calls(self) -> list[dict[str, Any]]:
        log = self.root / "calls.jsonl"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    def lock(self, project: str, stack: str, *, user: str = "alice", host: str = "ci-7", pid: int = 4242) -> Path:
        folder = self.root / "state" / ".pulumi" / "locks" / "organization" / project / stack
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "5f0c-lock.json"
        path.write_text(json.dumps({"pid": pid, "username": user, "hostname": host, "timestamp": "2026-12-04T09:00:00Z"}))
        return path

    def state(self, project: str, stack: str) -> dict[str, Any]:
        return json.loads((self.root / "state" / ".standin" / project / f"{stack}.json").read_text())

    def set_state(self, project: str, stack: str, state: dict[str, Any]) -> None:
        (self.root / "state" / ".standin" / project / f"{stack}.json").write_text(json.dumps(state))


def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StandIn:
    root = tmp_path / "standin"
    (root / "bin").mkdir(parents=True)
    (root / "state").mkdir()
    executable = root / "bin" / "pulumi"
    executable.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{SCRIPT}" "$@"\n')
    executable.chmod(0o755)
    monkeypatch.setenv("PATH", f"{root / 'bin'}:{__import__('os').environ['PATH']}")
    monkeypatch.setenv("PULUMI_STANDIN_LOG", str(root / "calls.jsonl"))
    monkeypatch.setenv("PULUMI_STANDIN_SCENARIO", str(root / "scenario.json"))
    return StandIn(root)
