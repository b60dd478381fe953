"""The token line `dev` prints works when pasted into a shell — bash, POSIX sh, and zsh where it is installed
(CI installs it) — from the service's folder or from elsewhere, with any folder name."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from platformctl.core.devserver import DevRequest, prepare_dev, token_assignment
from tests.core.dev_fixtures import make_service

SHELLS = [shell for shell in ("bash", "sh", "zsh") if shutil.which(shell)]
TOKEN_PRINTER = '#!/bin/sh\nprintf "token-for-%s-in-%s" "$ENVIRONMENT" "$(basename "$PWD")"\n'


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("folder", ["orders", "my svc's (new)", "$HOME"], ids=["plain", "spaces and quotes", "dollar"])
@pytest.mark.parametrize("from_inside", [False, True], ids=["from elsewhere", "from the service"])
def test_the_token_line_runs_in_the_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shell: str, folder: str, from_inside: bool) -> None:
    root = tmp_path / "work"
    root.mkdir()
    service = make_service(root)
    service = service.rename(root / folder)
    python = service / ".venv/bin/python"
    monkeypatch.chdir(service if from_inside else root)
    plan = prepare_dev(DevRequest(directory=Path(".") if from_inside else Path(folder)), environ={**os.environ, "ENVIRONMENT": "prod"})
    python.write_text(TOKEN_PRINTER)  # after prepare_dev, which probes the interpreter
    line = token_assignment(plan)
    assert "$((" not in line
    ran = subprocess.run([shell, "-c", f'{line}\nprintf "%s|%s" "$TOKEN" "$PWD"'], capture_output=True, text=True, timeout=30)
    assert ran.returncode == 0, f"{shell} refused {line!r}: {ran.stderr}"
    token, cwd = ran.stdout.split("|")
    assert token == f"token-for-local-in-{folder}" and Path(cwd) == Path.cwd(), "the token comes from the service, and the shell stays put"
