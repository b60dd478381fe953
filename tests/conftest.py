"""Shared test isolation: a temporary home, no colour, a fixed width, no AWS settings from the machine."""

from __future__ import annotations

import os

import pytest

_AWS_VARS = [name for name in os.environ if name.startswith(("AWS_", "PLATFORMCTL_", "PULUMI_", "KUBECONFIG"))]


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TERM", "dumb")
    for name in _AWS_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
