"""Help is for people: flags without a type, no Python types leaking, layers and environments named, every
option's help a sentence; and printing it imports no Pulumi."""

from __future__ import annotations

import re
import subprocess
import sys

import click
import pytest
import typer.main

from platformctl.cli.app import app
from platformctl.engines.layers import layer_names
from tests.cli.runner import run

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_shows_no_python_types_and_no_bool_metavars(capsys, monkeypatch, command) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    result = run(capsys, *([command] if command else []), "--help")
    assert result.code == 0, result.stderr
    for leaked in ("<bool>", "list[", "<path>", "<file>"):
        assert leaked not in result.stdout, f"`platformctl {command} --help` shows {leaked}:\n{result.stdout}"


def _params() -> list[tuple[str, click.Parameter]]:
    group = typer.main.get_command(app)
    found = [("platformctl", p) for p in group.params]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        found += [(name, p) for p in command.params]
    return found


@pytest.mark.parametrize("where, param", _params(), ids=lambda v: v if isinstance(v, str) else "/".join(v.opts))
def test_every_option_help_is_a_sentence(where, param) -> None:
    text = getattr(param, "help", None) or ""
    assert re.match(r"^[A-Z`].*[.)]$", text, re.S) and len(text.split()) >= 4, f"{where} {param.opts}: {text!r} is not a sentence"
    assert "<" not in text, f"{where} {param.opts}: help is markdown, where <word> is an HTML tag that vanishes: {text!r}"


def test_plan_help_lists_the_layers_and_environments(capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    text = " ".join(run(capsys, "plan", "--help").stdout.split())
    assert "Layers: " + ", ".join(layer_names()) in text.replace(" │ ", " ")
    assert "dev, staging and prod" in text


def test_help_does_not_import_pulumi() -> None:
    code = (
        "import sys\nfrom platformctl.cli.app import main\n"
        "try:\n    main(['plan', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pulumi', 'pulumi_aws', 'boto3') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr


def test_flags_take_no_value(capsys) -> None:
    result = run(capsys, "doctor", "--json", "true")
    assert result.code == 2, "a flag is on by being there; `--json true` is an extra argument"
