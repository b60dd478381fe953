"""A working folder per layer per run: a copy of the stacks, a Pulumi.yaml that runs this installation's Python.

Pulumi writes `Pulumi.<stack>.yaml` and `.pulumi/workspace.json` into the folder it runs in, and two stacks
in one folder clash (pulumi/pulumi#8186): so each layer gets its own folder, made fresh for each run,
and nothing is ever written into the installed package.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

from platformctl.engines.base import LayerInput

_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "Pulumi.*.yaml", ".pulumi")


def prepare_layer_folder(layer: LayerInput, *, stacks_dir: Path, run_dir: Path) -> Path:
    """Copy the stacks next to a Pulumi.yaml for the layer and return the folder (idempotent within a run).

    The layer's own Pulumi.yaml keeps its name, description and declared config; `main` points at the
    copied layer folder, whose __main__.py puts the copy's root on sys.path for `import stacks…`.
    """
    folder = run_dir / layer.name
    if (folder / "Pulumi.yaml").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(stacks_dir, folder / "stacks", ignore=_SKIP, dirs_exist_ok=True)
    project: dict[str, Any] = yaml.safe_load((stacks_dir / layer.name / "Pulumi.yaml").read_text(encoding="utf-8"))
    project["name"] = layer.project
    project["main"] = f"stacks/{layer.name}/"
    project["runtime"] = python_runtime()
    (folder / "Pulumi.yaml").write_text(yaml.safe_dump(project, sort_keys=False), encoding="utf-8")
    return folder


def python_runtime() -> dict[str, Any]:
    """Run the program with this installation's Python, so pulumi_aws and the rest resolve as they do here."""
    options: dict[str, Any] = {"toolchain": "pip"}
    if sys.prefix != sys.base_prefix:  # a virtualenv: the language host runs <virtualenv>/bin/python
        options["virtualenv"] = sys.prefix
    return {"name": "python", "options": options}


def program_environment() -> dict[str, str]:
    """Variables for every Pulumi command: the interpreter outside a virtualenv, and no update nagging."""
    return {
        "PULUMI_PYTHON_CMD": sys.executable,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", "1"),
    }


KEEP_RUN_FOLDERS_DAYS = 7


def prune_run_folders(work_root: Path, *, now: float, keep_days: int = KEEP_RUN_FOLDERS_DAYS) -> list[Path]:
    """Remove run folders older than keep_days (they hold copies of the stacks and Pulumi.<stack>.yaml, no state)."""
    removed = []
    for folder in sorted(work_root.glob("run-*")) if work_root.is_dir() else []:
        if folder.is_dir() and now - folder.stat().st_mtime > keep_days * 86400:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
