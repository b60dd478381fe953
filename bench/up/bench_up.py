"""Benchmark of `platformctl up --env prod --yes` over a fake engine that replays the prod plan's resources as events.

Each layer takes as long as its slowest resource (EKS, RDS, OpenSearch, ElastiCache take the longest,
as in AWS) plus a base, scaled so that the critical path of the layer graph is about 10 s; its
resources' events are spread evenly over that time. We measure the wall time of the whole command
against the critical path (target ≤ 1.05×) and platformctl's CPU time over the run (target < 10 % of
one core) while 500 resources' events stream through the display (the live table with FORCE_COLOR,
the `[layer]` lines without). Prints JSON. Usage: .venv/bin/python bench/up/bench_up.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TARGET_CRITICAL_PATH = 10.0
RESOURCES = 500
# Minutes AWS typically takes to create these (the rest: seconds).
SLOW = {
    "aws:eks/cluster:Cluster": 11, "aws:opensearch/domain:Domain": 18, "aws:rds/instance:Instance": 12,
    "aws:elasticache/replicationGroup:ReplicationGroup": 10, "aws:eks/nodeGroup:NodeGroup": 4,
    "aws:cloudfront/distribution:Distribution": 5, "aws:ec2/natGateway:NatGateway": 2, "kubernetes:helm.sh/v3:Release": 2,
}
BASE_MINUTES = 1.0


def replay_plan() -> tuple[dict[str, list[tuple[str, str]]], dict[str, tuple[str, ...]], dict[str, float]]:
    """Per layer: its resources (padded to RESOURCES in all), its dependencies, and its scaled duration."""
    from platformctl.config.loader import load_platform
    from platformctl.core.planning import build_plan
    from platformctl.engines.embedded.runner import EmbeddedEngine

    plan = build_plan(loaded=load_platform(None, cwd=Path(tempfile.mkdtemp())), env="prod", engine=EmbeddedEngine())
    resources = {layer.name: [(r.type, r.urn) for r in layer.resources] for layer in plan.layers}
    total = sum(len(v) for v in resources.values())
    names = list(resources)
    for i in range(RESOURCES - total):  # pad evenly with alarm-sized resources
        layer = names[i % len(names)]
        resources[layer].append(("aws:cloudwatch/metricAlarm:MetricAlarm", f"urn:pulumi:prod::pad::alarm-{i}"))
    depends = {layer.name: tuple(layer.depends_on) for layer in plan.layers}
    minutes = {name: BASE_MINUTES + max((SLOW.get(t, 0.1) for t, _ in items), default=0) for name, items in resources.items()}
    scale = TARGET_CRITICAL_PATH / critical_path(minutes, depends)
    return resources, depends, {name: m * scale for name, m in minutes.items()}


def critical_path(durations: dict[str, float], depends: dict[str, tuple[str, ...]]) -> float:
    finish: dict[str, float] = {}
    for name in durations:  # the table is in dependency order
        finish[name] = durations[name] + max((finish[d] for d in depends[name] if d in finish), default=0.0)
    return max(finish.values())


class ReplayEngine:
    """Implements the CloudEngine Protocol: replays a layer's resources as events over its duration."""

    def __init__(self, resources: dict[str, list[tuple[str, str]]], durations: dict[str, float]) -> None:
        self.resources, self.durations = resources, durations

    def up(self, layer: Any, *, stack: str, on_event: Any) -> Any:
        from platformctl.engines.base import LayerFinished, LayerResult, LayerStarted, ResourceProgress

        on_event(LayerStarted(layer.name, "up"))
        items = self.resources[layer.name]
        start, step = time.monotonic(), self.durations[layer.name] / max(1, len(items))
        for i, (type_, urn) in enumerate(items):
            on_event(ResourceProgress(layer.name, urn, type_, "create", "started"))
            pause = start + (i + 1) * step - time.monotonic()
            if pause > 0:
                threading.Event().wait(pause)
            on_event(ResourceProgress(layer.name, urn, type_, "create", "done"))
        on_event(LayerFinished(layer.name, "up", len(items)))
        return LayerResult(layer.name, "up", "succeeded", changes={"create": len(items)}, outputs={"n": len(items)})

    def state(self, layer: Any, *, stack: str) -> Any:
        from platformctl.engines.base import StackState

        return StackState(layer.name, exists=False)

    def outputs(self, layer: Any, *, stack: str, show_secrets: bool = False) -> dict[str, Any]:
        return {}


class PulumiHere:
    def which(self, name: str) -> str | None:
        return f"/usr/bin/{name}"

    def run(self, argv: Any) -> tuple[int, str]:
        return 0, "v3.230.0"


def child(mode: str) -> dict[str, Any]:
    from platformctl.cli.app import main
    from platformctl.config.settings import Settings
    from platformctl.engines.cloud.run_records import FileRunRecords
    from platformctl.wiring import Wiring

    resources, depends, durations = replay_plan()
    state = Path(tempfile.mkdtemp())
    wiring = Wiring(settings_factory=lambda: Settings(state_url=f"file://{state}"), runner=PulumiHere(),
                    aws_identity=lambda: "arn:aws:iam::123456789012:user/bench",
                    lifecycle_engine=lambda: ReplayEngine(resources, durations), run_records=lambda: FileRunRecords(state))
    cpu0, wall0 = time.process_time(), time.monotonic()
    try:
        main(["up", "--env", "prod", "--yes", "--parallel", "9"], wiring=wiring)
    except SystemExit as exit_:
        assert not exit_.code, f"up exited {exit_.code}"
    wall, cpu = time.monotonic() - wall0, time.process_time() - cpu0
    path = critical_path(durations, depends)
    return {"mode": mode, "resources": sum(len(v) for v in resources.values()), "layers": len(resources),
            "critical_path_s": round(path, 3), "wall_s": round(wall, 3), "ratio": round(wall / path, 4),
            "cpu_s": round(cpu, 3), "cpu_share_of_one_core": round(cpu / wall, 4)}


def main() -> None:
    if "--child" in sys.argv:
        print(json.dumps(child(sys.argv[-1])))
        return
    results = []
    for mode in ("lines", "live"):
        env = {**os.environ, "COLUMNS": "160"}
        env.pop("NO_COLOR", None)
        if mode == "live":
            env["FORCE_COLOR"] = "1"  # rich then draws the live table as in a terminal
        done = subprocess.run([sys.executable, __file__, "--child", mode], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True, check=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(json.dumps({"up_prod": results, "targets": {"ratio_max": 1.05, "cpu_share_max": 0.10}}, indent=2))


if __name__ == "__main__":
    main()
