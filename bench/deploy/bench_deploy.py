"""Benchmarks of issue 12: `render` of a service with every feature for prod, and deploy's own work against the stand-in.

Run from the repository root: `.venv/bin/python bench/deploy/bench_deploy.py [--runs N]` (prints JSON).
Targets (bench/README.md): render < 0.3 s; deploy's own work (everything but waiting for pods) < 1 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

OUTPUTS = ROOT / "tests" / "testdata" / "deploy" / "outputs-prod.json"
IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/skeleton:3f2a1c9@sha256:" + "ab" * 32


def render_in_process(runs: int) -> dict[str, float]:
    """prepare(): read platform.yaml, service.yaml and the outputs, build the context, render 13 objects."""
    started = time.perf_counter()
    from platformctl.core.rendering import RenderRequest, prepare
    from platformctl.paths import skeleton_dir

    imported = time.perf_counter()
    request = RenderRequest(skeleton_dir(), "prod", OUTPUTS, image=IMAGE)
    first = time.perf_counter()
    prepare(request, resolve_digest=lambda image: "")
    cold = time.perf_counter() - first
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        prepare(request, resolve_digest=lambda image: "")
        times.append(time.perf_counter() - t)
    return {"imports_s": round(imported - started, 3), "first_render_s": round(cold, 4), "warm_render_median_s": round(statistics.median(times), 4)}


def render_process(runs: int) -> dict[str, float]:
    """The whole `platformctl render` process, interpreter start and imports included."""
    command = [
        str(ROOT / ".venv" / "bin" / "platformctl"),
        "render",
        "--env",
        "prod",
        "--outputs",
        str(OUTPUTS),
        "--image",
        IMAGE,
        "--dir",
        str(ROOT / "service-skeleton"),
    ]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return {"process_median_s": round(statistics.median(times), 3), "process_min_s": round(min(times), 3)}


def deploy_against_standin(runs: int) -> dict[str, float]:
    """A healthy deploy whose stand-in controllers answer at once: what is left is deploy's own work and its round trips."""
    from tests.deploy.harness import Deployer
    from tests.kube_standin.controllers import Controllers, Scenario
    from tests.kube_standin.fixtures import Cluster
    from tests.kube_standin.server import StandIn
    from tests.kube_standin.store import Store

    scenario = Scenario(step_seconds=0.0)
    standin = StandIn(Store()).start()
    controllers = Controllers(standin, scenario)
    try:
        deployer = Deployer(Cluster(standin, scenario), Path(tempfile.mkdtemp()))
        t = time.perf_counter()
        deployer.deploy("warmup")  # discovery, first imports
        first = time.perf_counter() - t
        times, requests = [], []
        for i in range(runs):
            before = len(standin.store.requests)
            t = time.perf_counter()
            report = deployer.deploy(f"run{i}")
            times.append(time.perf_counter() - t)
            requests.append(len(standin.store.requests) - before)
            assert report.outcome == "deployed", report.message
        return {
            "first_deploy_s": round(first, 3),
            "deploy_median_s": round(statistics.median(times), 3),
            "deploy_max_s": round(max(times), 3),
            "api_requests_per_deploy": statistics.median(requests),
        }
    finally:
        controllers.stop()
        standin.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    result = {"render": {**render_in_process(args.runs), **render_process(3)}, "deploy": deploy_against_standin(args.runs)}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
