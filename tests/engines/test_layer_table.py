"""The one layer table tells the truth: each layer depends on exactly the layers whose outputs its program reads.

`up` runs independent layers in parallel, so a missing dependency would be a broken StackReference in the
cloud, and an unused one a needless wait. The calls are read from the source (AST), following the
`stacks.*` modules a program imports, so a reference hidden in a helper module counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from platformctl.config.stack_config import BUILDERS
from platformctl.engines.layers import dependents_of, layer_names, layer_table, with_dependencies
from platformctl.paths import stacks_dir, stacks_import_root


def _module_file(module: str) -> Path | None:
    path = stacks_import_root().joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def referenced_layers(layer: str) -> set[str]:
    """Layer names passed to `reference(Layer.X)` anywhere in the layer's program or the stacks modules it imports."""
    found: set[str] = set()
    seen: set[Path] = set()
    pending = [p for p in (stacks_dir() / layer).glob("*.py")]
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("stacks."):
                target = _module_file(node.module)
                if target is not None and target.name != "outputs.py":
                    pending.append(target)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "reference"
                and node.args
                and isinstance(node.args[0], ast.Attribute)
                and isinstance(node.args[0].value, ast.Name)
                and node.args[0].value.id == "Layer"
            ):
                found.add(node.args[0].attr.lower())
    return found


@pytest.mark.parametrize("layer", layer_names())
def test_depends_on_is_exactly_what_the_program_references(layer: str) -> None:
    declared = {d.value for d in next(row for row in layer_table() if row.name == layer).depends_on}
    used = referenced_layers(layer)
    assert not used - declared, f"stacks/{layer} reads {sorted(used - declared)} through reference() but stacks/layer_table.py does not list them in depends_on"
    assert not declared - used, f"stacks/layer_table.py lists {sorted(declared - used)} in {layer}'s depends_on but its program never references them"


def test_the_reader_finds_references_at_all() -> None:
    # Guards the AST walk itself: the cluster layer reads the network's subnets.
    assert referenced_layers("cluster") == {"network"}


def test_table_order_satisfies_every_dependency() -> None:
    seen: set[str] = set()
    for row in layer_table():
        assert {d.value for d in row.depends_on} <= seen, f"{row.name} comes before a layer it depends on"
        seen.add(row.name)


def test_every_layer_has_a_program_a_project_and_a_config_builder() -> None:
    for name in layer_names():
        assert (stacks_dir() / name / "program.py").is_file(), f"stacks/{name}/program.py is missing"
        assert (stacks_dir() / name / "Pulumi.yaml").is_file(), f"stacks/{name}/Pulumi.yaml is missing"
    assert set(BUILDERS) == set(layer_names()), "platformctl/config/stack_config BUILDERS must have one builder per layer of the table"


def test_closure_and_dependents() -> None:
    assert [d.name for d in with_dependencies(["edge"])] == ["network", "cluster", "data", "edge"]
    assert {d.name for d in dependents_of("data")} == {"edge", "addons", "dr"}  # addons: the public entry logs into data's bucket
    assert "network" not in {d.name for d in dependents_of("network")}
