"""Benchmark of what reads a plan (not a test): the prod diagram (target < 2 s), and what the cost estimate
and the diff add to `plan` (target < 0.2 s together), each the median of several runs on one prod plan.

Run: .venv/bin/python bench/plan_readers.py [--runs N]   (prints JSON)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from platformctl.config.loader import load_platform
from platformctl.core.planning import build_plan
from platformctl.plan.cost import estimate_cost
from platformctl.plan.diagram import render_diagram
from platformctl.plan.diff import compare_plans
from platformctl.plan.markdown import diff_markdown
from platformctl.plan.model import Plan
from platformctl.plan.summary import resource_count


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def older(plan: Plan) -> Plan:
    """The same plan a release ago: one layer missing, one database smaller (a realistic diff)."""
    doc = json.loads(plan.to_json())
    doc["layers"] = [layer for layer in doc["layers"] if layer["name"] != "edge"]
    for layer in doc["layers"]:
        for r in layer["resources"]:
            if r["type"] == "aws:rds/instance:Instance":
                r["inputs"]["instanceClass"] = "db.r6g.large"
    return Plan.model_validate(doc)


def cli_walls(old: Plan, runs: int) -> dict[str, float]:
    """Whole `platformctl plan --env prod --json` processes, plain / with --compare / with --compare and --diagram, alternating."""
    cli = [str(Path(sys.executable).with_name("platformctl")), "plan", "--env", "prod", "--json"]
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "old.json").write_text(old.to_json())
        variants = {"plan_json_s": cli, "with_compare_s": [*cli, "--compare", "old.json"],
                    "with_compare_and_svg_s": [*cli, "--compare", "old.json", "--diagram", "d.svg"]}
        times: dict[str, list[float]] = {k: [] for k in variants}
        for _ in range(runs):
            for key, argv in variants.items():
                start = time.perf_counter()
                done = subprocess.run(argv, cwd=folder, capture_output=True, env={**os.environ, "NO_COLOR": "1"}, check=False)
                times[key].append(time.perf_counter() - start)
                if done.returncode not in (0, 5):
                    raise SystemExit(f"{argv} failed: {done.stderr.decode()[-400:]}")
    return {k: round(statistics.median(v), 3) for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    start = time.perf_counter()
    plan = build_plan(loaded=load_platform(None, cwd=Path("/nonexistent")), env="prod")
    plan_seconds = time.perf_counter() - start
    old = older(plan)
    with tempfile.TemporaryDirectory() as folder:
        svg = median_seconds(lambda: render_diagram(plan, Path(folder) / "prod.svg"), runs)
        png = median_seconds(lambda: render_diagram(plan, Path(folder) / "prod.png"), runs)
    cost = median_seconds(lambda: estimate_cost(plan), runs)
    diff = median_seconds(lambda: diff_markdown(compare_plans(old, plan)), runs)
    result = {
        "cloud_resources": resource_count(plan),
        "plan_in_process_s": round(plan_seconds, 3),
        "diagram_svg_s": round(svg, 3),
        "diagram_png_s": round(png, 3),
        "cost_estimate_s": round(cost, 4),
        "diff_with_markdown_s": round(diff, 4),
        "cost_plus_diff_s": round(cost + diff, 4),
        "targets": {"diagram_s": 2.0, "cost_plus_diff_s": 0.2},
    }
    result["met"] = svg < 2.0 and png < 2.0 and cost + diff < 0.2
    result["cli"] = cli_walls(old, runs)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
