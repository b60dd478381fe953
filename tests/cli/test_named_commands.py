"""Every `platformctl <command>` the CLI tells people about is a command it has: in help, hints, next steps,
doctor's report, and the files init and new-service write."""

from __future__ import annotations

import re

import pytest
import typer.main

from platformctl import next_steps
from platformctl.cli.app import app
from platformctl.config.sample import sample_text
from platformctl.scaffold.generate import skeleton_own_files
from platformctl.scaffold.skeleton import load_skeleton
from platformctl.wiring import Wiring
from tests.cli.runner import run

COMMANDS = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
# Words after "platformctl" that are not commands: options and the program's own name in prose.
_MENTION = re.compile(r"platformctl\s+(?!-)([a-z][a-z-]*)")


_PROSE = {"and", "or", "is", "to", "the", "itself", "checks", "reads", "writes", "shows", "needs"}  # "validated by platformctl and …"


def _named(text: str) -> set[str]:
    return set(_MENTION.findall(text)) - _PROSE


def _texts(capsys) -> dict[str, str]:
    texts = {f"next_steps.{name}": value for name, value in vars(next_steps).items() if name.isupper() and isinstance(value, str)}
    texts["platform.yaml from init"] = sample_text()
    texts.update({f"new-service {path}": text for path, text in skeleton_own_files(load_skeleton()).items()})
    for command in ["", *sorted(COMMANDS)]:
        texts[f"{command} --help"] = run(capsys, *([command] if command else []), "--help").stdout
    return texts


def test_every_command_named_exists(capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    wrong = {where: sorted(_named(text) - COMMANDS) for where, text in _texts(capsys).items() if _named(text) - COMMANDS}
    assert not wrong, f"these name commands platformctl does not have: {wrong}"


def test_doctor_names_needs_not_missing_commands(capsys) -> None:
    class _Runner:
        def which(self, name: str) -> None:
            return None

        def run(self, argv: list[str]) -> tuple[int, str]:
            raise AssertionError("nothing is found, so nothing runs")

    def _no_credentials() -> str:
        from platformctl.errors import MissingToolError

        raise MissingToolError("No AWS credentials were found.", hint="Run `aws configure`.")

    result = run(capsys, "doctor", "--json", wiring=Wiring(runner=_Runner(), aws_identity=_no_credentials))
    needs = {need for check in __import__("json").loads(result.stdout)["checks"] for need in check["required_for"]}
    assert needs <= {"all", next_steps.FOR_APPLYING, next_steps.FOR_DEPLOYING} | COMMANDS, needs


@pytest.mark.parametrize("word", ["launch", "teleport", "deploy-everything"])
def test_the_check_would_catch_a_missing_command(word) -> None:
    assert word not in COMMANDS
    assert _named(f"then run `platformctl {word} --env prod`") - COMMANDS == {word}
