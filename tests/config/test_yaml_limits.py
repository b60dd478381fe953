"""Hostile YAML gets bounded work and a clear refusal, in the one reader platform.yaml and service.yaml share."""

from __future__ import annotations

import pytest

from platformctl.config.loader import parse_platform
from platformctl.config.sample import sample_text
from platformctl.config.service_file import parse_service
from platformctl.config.yaml_limits import MAX_DEPTH, MAX_EXPANDED_NODES, MAX_INT_DIGITS, MAX_YAML_BYTES
from platformctl.errors import ConfigError

SERVICE = "name: orders\nowner: team-a\nskeleton_version: 1.0.0\n"


def _laughs(levels: int, width: int = 9) -> str:
    lines = [f"lol0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"lol{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def _merge_bomb(levels: int) -> str:
    lines = ["m: &m {a: 1, b: 2}"]
    for i in range(levels):
        previous = f"m{i - 1}" if i else "m"
        lines.append(f"m{i}: &m{i} {{<<: [*{previous}, *{previous}], c{i}: 1}}")
    return "\n".join(lines) + "\n"


PARSERS = {
    "platform.yaml": lambda extra: parse_platform(sample_text() + extra, source="platform.yaml"),
    "service.yaml": lambda extra: parse_service(SERVICE + extra, source="service.yaml"),
}


@pytest.mark.parametrize("which", PARSERS)
@pytest.mark.parametrize(
    "extra, phrase",
    [
        (_laughs(10), f"expands to more than {MAX_EXPANDED_NODES:,} values through its aliases"),
        (_merge_bomb(30), "through its aliases"),
        ("deep: " + "[" * 5000 + "]" * 5000 + "\n", f"nests deeper than {MAX_DEPTH} levels"),
        ("deep_map:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)), f"nests deeper than {MAX_DEPTH} levels"),
        ("big: " + "9" * 5000 + "\n", "has an integer of 5000 digits"),
        ("big: -0x" + "f" * 40 + "\n", f"no setting takes more than {MAX_INT_DIGITS}"),
        ("loop: &x [*x]\n", "has a YAML alias inside the value it refers to"),
        ("big: '" + "a" * (MAX_YAML_BYTES + 1) + "'\n", f"platformctl reads at most {MAX_YAML_BYTES // 1024} KiB"),
    ],
    ids=["billion laughs", "merge-key bomb", "5000 deep flow", "60 deep block", "5000-digit int", "long hex int", "alias in itself", "oversize"],
)
def test_hostile_yaml_is_refused_with_a_clear_message(which, extra, phrase) -> None:
    with pytest.raises(ConfigError) as raised:
        PARSERS[which](extra)
    assert raised.value.message.startswith(which) and phrase in raised.value.message
    assert raised.value.hint


def test_the_line_of_the_problem_is_named() -> None:
    with pytest.raises(ConfigError, match=r"\(line 4\)"):
        parse_service(SERVICE + "big: " + "1" * 50 + "\n", source="service.yaml")


def test_ordinary_aliases_and_integers_still_work() -> None:
    assert parse_platform(sample_text(), source="platform.yaml").environments
    manifest = parse_service(SERVICE + "resources: &r {cpu: 250m, memory: 256Mi}\nenvironments:\n  prod: {resources: *r}\n", source="service.yaml")
    assert manifest.environments["prod"].resources.cpu == "250m"
    with pytest.raises(ConfigError) as raised:  # the reader lets a 20-digit number through; the model judges it
        parse_service(SERVICE + "port: " + "9" * MAX_INT_DIGITS + "\n", source="service.yaml")
    assert raised.value.details[0].startswith("port:")


def test_plan_refuses_an_alias_bomb_in_an_otherwise_valid_file(capsys, tmp_path, monkeypatch) -> None:
    from tests.cli.runner import run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "platform.yaml").write_text(sample_text().replace("\ntags:", "\n" + _laughs(12).replace("lol", "x-lol") + "tags:", 1))
    result = run(capsys, "plan", "--layer", "messaging")
    assert result.code == 2 and "through its aliases" in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_too_many_plain_values_are_not_blamed_on_aliases() -> None:
    text = "tags:\n" + "".join(f"  k{i}: v\n" for i in range(MAX_EXPANDED_NODES // 2 + 1))
    with pytest.raises(ConfigError) as raised:
        parse_service(SERVICE + text, source="service.yaml")
    assert f"has more than {MAX_EXPANDED_NODES:,} values" in raised.value.message and "alias" not in raised.value.message


@pytest.mark.parametrize("which", PARSERS)
def test_an_empty_file_says_so_without_pointing_at_lines(which) -> None:
    parse = {"platform.yaml": parse_platform, "service.yaml": parse_service}[which]
    with pytest.raises(ConfigError) as raised:
        parse("# nothing here\n", source=which)
    assert raised.value.message == f"{which} is empty; it must be a YAML mapping with " + raised.value.message.split(" with ", 1)[1]
    assert "line above" not in (raised.value.hint or "")


def test_two_documents_are_named_as_such() -> None:
    with pytest.raises(ConfigError, match="expected a single document in the stream, but found another document"):
        parse_service(SERVICE + "---\nname: other\n", source="service.yaml")
