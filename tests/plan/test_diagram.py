"""The architecture diagram: grouped from the plan, rendered by graphviz, with the DR arrows (read back from the SVG)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from platformctl.errors import MissingToolError, UsageError
from platformctl.plan.architecture_build import build_architecture
from platformctl.plan.diagram import render_diagram, to_dot
from platformctl.plan.model import Plan
from tests.conftest import running_in_ci

SVG = "{http://www.w3.org/2000/svg}"
EXPECTED_BOXES = {
    "users", "dns", "cdn",
    "primary_nat", "primary_alb", "primary_eks", "primary_addons", "primary_endpoints",
    "primary_postgres", "primary_postgres_replicas", "primary_redis", "primary_search",
    "primary_s3", "primary_backup", "primary_sqs", "primary_sns", "primary_ses", "primary_cognito", "primary_kms", "primary_secrets", "primary_logs",
    "dr_nat", "dr_eks", "dr_endpoints", "dr_postgres_replicas", "dr_s3", "dr_backup", "dr_sqs", "dr_kms", "dr_logs",
}
DR_ARROWS = {
    ("primary_postgres", "dr_postgres_replicas"), ("primary_s3", "dr_s3"), ("primary_backup", "dr_backup"),
    ("dns", "dr_eks"), ("primary_search", "dr_s3"),
}


def needs_dot() -> None:
    if shutil.which("dot") is None:
        if running_in_ci():
            pytest.fail("graphviz is not installed: CI must install it (scripts/test.sh does)")
        pytest.skip("graphviz's dot is not installed: apt-get install graphviz")


def test_the_architecture_groups_both_regions_tiers_and_services(prod_plan: Plan) -> None:
    arch = build_architecture(prod_plan)
    assert arch.box_ids() >= EXPECTED_BOXES, sorted(EXPECTED_BOXES - arch.box_ids())
    region_titles = [g.title for g in arch.groups if g.style == "region"]
    assert region_titles == ["Primary region · eu-west-1", "DR region (pilot light) · eu-central-1"]
    primary = next(g for g in arch.groups if g.id == "primary_region")
    vpc = next(g for g in primary.groups if g.style == "vpc")
    assert [t.id for t in vpc.groups] == ["primary_public", "primary_private", "primary_isolated"]
    assert {b.id for b in vpc.groups[2].boxes} == {"primary_postgres", "primary_postgres_replicas", "primary_redis", "primary_search"}
    assert {(link.source, link.target) for link in arch.links if link.dr} == DR_ARROWS
    assert len(arch.box_ids()) < 40, "grouped, not listed: the plan's 400 resources become a few dozen boxes"


def test_a_plan_without_a_dr_layer_draws_no_dr_region(prod_plan: Plan) -> None:
    primary_only = prod_plan.model_copy(update={"layers": [layer for layer in prod_plan.layers if layer.name not in ("dr", "backup")]})
    arch = build_architecture(primary_only)
    assert [g.id for g in arch.groups] == ["global", "primary_region"] and not [link for link in arch.links if link.dr]
    assert "dr_" not in to_dot(arch)


def test_the_svg_holds_the_nodes_and_the_dr_arrows(prod_plan: Plan, tmp_path: Path) -> None:
    needs_dot()
    path = tmp_path / "prod.svg"
    render_diagram(prod_plan, path)
    root = ET.parse(path).getroot()
    groups = list(root.iter(f"{SVG}g"))
    nodes = {g.get("id") for g in groups if g.get("class") == "node"}
    assert nodes >= EXPECTED_BOXES, sorted(EXPECTED_BOXES - nodes)
    dr_edges = {g.get("id") for g in groups if g.get("class") == "edge dr-replication"}
    assert dr_edges == {f"link-{a}-{b}" for a, b in DR_ARROWS}
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for words in ("Primary region · eu-west-1", "DR region (pilot light) · eu-central-1", "Public subnets ×3", "Isolated (data) subnets ×3",
                  "PostgreSQL cross-region replica", "Cluster add-ons", "Cognito user pool", "async replica", "S3 replication"):
        assert words in texts, f"{words!r} is not in the diagram"
    assert not list(root.iter(f"{SVG}image")), "the SVG must stand alone (no linked image files)"
    frame_x = {g.get("id"): float(next(g.iter(f"{SVG}text")).get("x", "nan")) for g in groups if g.get("id") in ("group-primary_region", "group-dr_region")}
    assert frame_x["group-primary_region"] < frame_x["group-dr_region"], "the primary is drawn left of the DR region, so DR arrows read left to right"


def test_a_png_is_produced(prod_plan: Plan, tmp_path: Path) -> None:
    needs_dot()
    path = tmp_path / "prod.png"
    render_diagram(prod_plan, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 50_000
    assert [p.name for p in tmp_path.iterdir()] == ["prod.png"], "no temporary file may be left behind"


def test_an_unknown_extension_is_a_usage_error(prod_plan: Plan, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\.svg or \.png"):
        render_diagram(prod_plan, tmp_path / "prod.pdf")
    assert not list(tmp_path.iterdir())


def test_missing_graphviz_names_the_fix(prod_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingToolError) as caught:
        render_diagram(prod_plan, tmp_path / "prod.svg")
    assert caught.value.hint is not None and "apt-get install graphviz" in caught.value.hint
    assert not (tmp_path / "prod.svg").exists()
