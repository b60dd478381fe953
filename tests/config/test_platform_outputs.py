"""The layer outputs deploy reads are ones the layers declare in stacks/outputs.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platformctl.config.platform_outputs import PlatformOutputs, load_outputs
from platformctl.errors import ConfigError, UsageError
from tests.rendering.deploy_fixtures import OUTPUTS


def test_every_output_deploy_reads_is_declared_by_its_layer() -> None:
    from stacks.outputs import OUTPUTS as DECLARED
    from stacks.outputs import Layer

    for layer_field, info in PlatformOutputs.model_fields.items():
        layer = Layer(layer_field)
        model = info.annotation
        for name, field in model.model_fields.items():  # type: ignore[union-attr]
            assert field.alias in DECLARED[layer], f"{layer_field}.{name} reads {field.alias!r}, which {layer.value} does not export"


def test_the_sample_file_loads_and_the_account_comes_from_the_oidc_provider() -> None:
    assert load_outputs(OUTPUTS).cluster.account_id == "123456789012"


def test_a_missing_output_is_one_line_per_problem(tmp_path: Path) -> None:
    document = json.loads(OUTPUTS.read_text())
    del document["data"]["dbEndpoint"]
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ConfigError) as caught:
        load_outputs(path)
    assert caught.value.details == ["data.dbEndpoint: Field required"]


def test_a_file_that_is_not_json_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "o.json").write_text("{nope")
    with pytest.raises(UsageError):
        load_outputs(tmp_path / "o.json")
