"""Each layer is a Pulumi project a person can run with `pulumi up`, declaring every key platformctl sets."""

from __future__ import annotations

import ast

import pytest
import yaml

from platformctl.config.stack_config import layer_config
from platformctl.engines.layers import layer_names
from platformctl.paths import stacks_dir
from tests.stacks.conftest import sample_platform

# Every layer of the table must be a complete Pulumi project.
LAYER_NAMES = layer_names()


def _project(layer: str) -> dict:
    return yaml.safe_load((stacks_dir() / layer / "Pulumi.yaml").read_text())


@pytest.mark.parametrize("layer", LAYER_NAMES)
def test_project_file_names_the_layer_and_python(layer: str) -> None:
    project = _project(layer)
    assert project["name"] == f"platform-{layer}", f"stacks/{layer}/Pulumi.yaml: name must be platform-{layer}"
    runtime = project["runtime"]
    assert (runtime if isinstance(runtime, str) else runtime["name"]) == "python"
    assert project.get("description"), f"stacks/{layer}/Pulumi.yaml needs a description"


@pytest.mark.parametrize("layer", LAYER_NAMES)
@pytest.mark.parametrize("env", ["dev", "prod"])
def test_every_key_platformctl_sets_is_declared_with_description_and_default(layer: str, env: str) -> None:
    declared = _project(layer).get("config", {})
    for key in layer_config(sample_platform().platform, env, layer):
        assert key in declared, f"stacks/{layer}/Pulumi.yaml does not declare config key {key!r}"
        spec = declared[key]
        assert isinstance(spec, dict) and spec.get("description"), f"stacks/{layer}/Pulumi.yaml: {key} needs a description"
        assert "default" in spec, f"stacks/{layer}/Pulumi.yaml: {key} needs a default so `pulumi up` works for a person"


@pytest.mark.parametrize("layer", LAYER_NAMES)
def test_main_only_calls_the_program(layer: str) -> None:
    tree = ast.parse((stacks_dir() / layer / "__main__.py").read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "program"]
    assert len(calls) == 1, f"stacks/{layer}/__main__.py must call program() exactly once"
