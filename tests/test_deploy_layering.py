"""Imports point down for deploy's modules: its adapters never import the core or the CLI, its commands no SDK at module level."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "platformctl"
ADAPTERS = ["kubernetes", "metrics", "rendering"]
COMMANDS = ["render.py", "deploy.py", "history.py", "rollback.py"]
SDKS = ("kubernetes", "boto3", "botocore", "jinja2", "pulumi")


def _imports(path: Path, *, top_level_only: bool) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names = []
    for node in nodes:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("package", ADAPTERS)
def test_adapters_never_import_the_core_or_the_cli(package: str) -> None:
    for path in sorted((PACKAGE / package).rglob("*.py")):
        wrong = [name for name in _imports(path, top_level_only=False) if name.startswith(("platformctl.core", "platformctl.cli"))]
        assert wrong == [], f"{path.relative_to(PACKAGE)} imports {wrong}"


@pytest.mark.parametrize("command", COMMANDS)
def test_commands_import_no_sdk_at_module_level(command: str) -> None:
    path = PACKAGE / "cli" / "commands" / command
    wrong = [name for name in _imports(path, top_level_only=True) if name.split(".")[0] in SDKS]
    assert wrong == [], f"{command} imports {wrong} at module level"
