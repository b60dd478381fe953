"""Every layer reads its Pulumi config one way, and reads exactly what platformctl writes and Pulumi.yaml declares.

The convention (stacks/layer_settings.py): `program()` calls `<Layer>Settings.from_config(pulumi.Config())`
once and reads config nowhere else. Each reader then runs against a recording stand-in holding the config
that platformctl builds for the sample's dev and prod, so a key written but never read, read but never
written, or read but undeclared fails here instead of in a real stack.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
import yaml

from platformctl.config.stack_config import layer_config
from platformctl.engines.layers import layer_names
from platformctl.paths import stacks_dir
from stacks.layer_settings import LayerSettings
from tests.stacks.conftest import FakeConfig, sample_platform

LAYER_NAMES = layer_names()


def _is_config_call(node: ast.AST) -> bool:
    """`pulumi.Config(...)` or a bare `Config(...)`."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr == "Config") or (isinstance(func, ast.Name) and func.id == "Config")


def _settings_class_name(layer: str) -> str:
    """The class whose `from_config(pulumi.Config())` the program calls; fails unless that is its only config read."""
    tree = ast.parse((stacks_dir() / layer / "program.py").read_text())
    config_calls = [node for node in ast.walk(tree) if _is_config_call(node)]
    assert len(config_calls) == 1, f"stacks/{layer}/program.py: build pulumi.Config() exactly once, found {len(config_calls)}"
    readers = [
        node.func.value.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "from_config"
        and isinstance(node.func.value, ast.Name) and node.args and node.args[0] is config_calls[0]
    ]
    assert len(readers) == 1, f"stacks/{layer}/program.py: pass pulumi.Config() straight to <Layer>Settings.from_config"
    return readers[0]


def _settings_class(layer: str) -> type[LayerSettings]:
    cls = getattr(importlib.import_module(f"stacks.{layer}.settings"), _settings_class_name(layer))
    assert issubclass(cls, LayerSettings), f"stacks/{layer}/settings.py: {cls.__name__} must extend stacks.layer_settings.LayerSettings"
    return cls


def _requested_keys(layer: str, env: str) -> tuple[set[str], set[str]]:
    """(keys platformctl writes for the layer, keys the layer's settings reader asks for)."""
    values = layer_config(sample_platform().platform, env, layer)
    config = FakeConfig(values)
    _settings_class(layer).from_config(config)
    return set(values), set(config.requested)


@pytest.mark.parametrize("layer", LAYER_NAMES)
@pytest.mark.parametrize("env", ["dev", "prod"])
def test_settings_read_every_key_platformctl_writes_and_no_other(layer: str, env: str) -> None:
    written, read = _requested_keys(layer, env)
    assert read, f"stacks/{layer}: the settings reader asked for no key at all"
    assert not written - read, f"platformctl writes {sorted(written - read)} for {layer} ({env}) but stacks/{layer}/settings.py never reads them"
    assert not read - written, f"stacks/{layer}/settings.py reads {sorted(read - written)} that platformctl never writes ({env})"


@pytest.mark.parametrize("layer", LAYER_NAMES)
def test_pulumi_yaml_declares_exactly_the_keys_the_settings_read(layer: str) -> None:
    """A person running `pulumi up` in stacks/<layer> sees every key that matters and none that does not."""
    declared = set(yaml.safe_load((stacks_dir() / layer / "Pulumi.yaml").read_text()).get("config", {}))
    _, read = _requested_keys(layer, "prod")
    assert not read - declared, f"stacks/{layer}/Pulumi.yaml does not declare {sorted(read - declared)}"
    assert not declared - read, f"stacks/{layer}/Pulumi.yaml declares {sorted(declared - read)}, which the program never reads"


def _python_files_outside_settings() -> list[Path]:
    root = stacks_dir()
    return [path for path in sorted(root.rglob("*.py")) if path.name not in ("settings.py", "layer_settings.py", "program.py")]


@pytest.mark.parametrize("path", _python_files_outside_settings(), ids=lambda p: str(p.relative_to(stacks_dir())))
def test_only_programs_build_a_pulumi_config(path: Path) -> None:
    """Components and helpers take typed arguments; config is read in settings.py alone."""
    calls = [node for node in ast.walk(ast.parse(path.read_text())) if _is_config_call(node)]
    assert not calls, f"stacks/{path.relative_to(stacks_dir())} builds a pulumi.Config: read config through the layer's settings"
