"""Imports point down (cli -> core -> adapters), checked on the source so a convention cannot drift.

- adapters (config, engines, plan, aws, rendering, scaffold, kubernetes, policies, …) never import
  platformctl.core, platformctl.cli or the composition root;
- platformctl.core never imports platformctl.cli;
- platformctl.cli never imports pulumi, boto3, botocore, jinja2 or kubernetes, not even inside a function;
- stacks/ never imports platformctl; platformctl.errors imports nothing of ours.
Every import counts, including those inside functions and under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from platformctl.paths import stacks_dir

PACKAGE = Path(__file__).resolve().parent.parent / "platformctl"
UPPER = ("platformctl.core", "platformctl.cli", "platformctl.wiring")
HEAVY = ("pulumi", "pulumi_aws", "pulumi_kubernetes", "boto3", "botocore", "jinja2", "kubernetes")


def imports_of(path: Path, root: Path = PACKAGE.parent) -> set[str]:
    """Every module a file imports (absolute names; relative imports resolved against its package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "_data" not in p.parts)


def _layer_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0].removesuffix(".py")


ADAPTERS = [p for p in _modules(PACKAGE) if _layer_of(p) not in {"cli", "core", "wiring", "__main__", "__init__"}]


@pytest.mark.parametrize("path", ADAPTERS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_adapters_never_import_upwards(path: Path) -> None:
    bad = sorted(name for name in imports_of(path) if _within(name, UPPER))
    assert not bad, f"{path.relative_to(PACKAGE.parent)} (an adapter) imports {bad}: adapters must not know the core, the CLI or the root"


@pytest.mark.parametrize("path", _modules(PACKAGE / "core"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_never_imports_the_cli(path: Path) -> None:
    bad = sorted(name for name in imports_of(path) if _within(name, ("platformctl.cli", "platformctl.wiring")))
    assert not bad, f"{path.relative_to(PACKAGE.parent)} imports {bad}: the core receives what it needs, it never reaches up"


@pytest.mark.parametrize("path", _modules(PACKAGE / "cli"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_cli_never_imports_sdks(path: Path) -> None:
    bad = sorted(name for name in imports_of(path) if _within(name, HEAVY))
    assert not bad, f"{path.relative_to(PACKAGE.parent)} imports {bad}: SDKs belong in adapters, behind the core"


@pytest.mark.parametrize("path", _modules(stacks_dir()), ids=lambda p: str(p.relative_to(stacks_dir())))
def test_stacks_never_import_platformctl(path: Path) -> None:
    bad = sorted(name for name in imports_of(path) if _within(name, ("platformctl",)))
    assert not bad, f"stacks/{path.relative_to(stacks_dir())} imports {bad}: a stack must run under plain `pulumi up`"


def test_errors_import_nothing_of_ours() -> None:
    bad = sorted(name for name in imports_of(PACKAGE / "errors.py") if _within(name, ("platformctl",)))
    assert not bad, f"platformctl/errors.py imports {bad}: every package may import it, so it imports none of them"


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    # Guards the checker itself: imports inside functions, under TYPE_CHECKING and relative ones are all seen.
    module = tmp_path / "platformctl" / "cli" / "commands" / "bad.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from platformctl.core import planning\n"
        "def f():\n    import boto3.session\n    from ..console import err\n"
    )
    found = imports_of(module, root=tmp_path)
    assert {"boto3.session", "platformctl.core", "platformctl.cli.console"} <= found
    assert _within("boto3.session", HEAVY) and not _within("boto3x", HEAVY)
