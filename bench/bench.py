"""Benchmarks of platformctl (not tests): --help start-up and plan wall time / peak RSS against their
floors, and new-service wall time (target: under 1 s).

Run: .venv/bin/python bench/bench.py [--runs N]
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


def timed(argv: list[str], runs: int) -> tuple[float, int]:
    """Median wall seconds and the largest peak RSS (KiB) of a command over runs (each child's own
    peak, read with wait4, so one command's peak never leaks into another's)."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"})
        assert child.stderr is not None
        err = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        times.append(time.perf_counter() - start)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"{argv} failed: {err.decode()[-500:]}")
        peaks.append(usage.ru_maxrss)
    return statistics.median(times), max(peaks)


def timed_pair(first: list[str], second: list[str], runs: int) -> tuple[tuple[float, int], tuple[float, int]]:
    """timed() for two commands run alternately, so a change in the machine's load hits both alike."""
    a, b = [], []
    for _ in range(runs):
        a.append(timed(first, 1))
        b.append(timed(second, 1))
    return (statistics.median(t for t, _ in a), max(p for _, p in a)), (statistics.median(t for t, _ in b), max(p for _, p in b))


def touched_modules() -> list[str]:
    """The Pulumi modules a prod plan imports, read off a real run."""
    code = (
        "import sys, json\n"
        "from platformctl.config.loader import load_platform\n"
        "from platformctl.core.planning import build_plan\n"
        "from platformctl.engines.embedded.runner import EmbeddedEngine\n"
        "from pathlib import Path\n"
        "build_plan(engine=EmbeddedEngine(), loaded=load_platform(None, cwd=Path('/nonexistent')), env='prod')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('pulumi', 'pulumi_aws', 'pulumi_kubernetes') and m.count('.') <= 2)))\n"
    )
    done = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def new_service_seconds(runs: int) -> float:
    """Median wall time of `new-service` with every feature (copy, render, git init and commit)."""
    with tempfile.TemporaryDirectory() as folder:
        argv = [str(Path(PY).parent / "platformctl"), "new-service", "orders", "--with", "all", "--yes", "--dir"]
        times = []
        for i in range(runs):
            start = time.perf_counter()
            subprocess.run([*argv, str(Path(folder) / f"orders-{i}")], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    (floor_help, _), (ours_help, _) = timed_pair([PY, str(HERE / "minimal_typer_app.py"), "--help"], [PY, "-m", "platformctl", "--help"], args.runs)
    modules = touched_modules()
    floor_code = "import importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    plan_runs = max(3, args.runs // 2)
    (floor_plan, floor_rss), (ours_plan, ours_rss) = timed_pair([PY, "-c", floor_code], [PY, "-m", "platformctl", "plan", "--env", "prod", "--json"], plan_runs)
    prod_plan = subprocess.run([PY, "-m", "platformctl", "plan", "--env", "prod", "--json"], capture_output=True, text=True, check=True).stdout
    count_code = ("import json,sys; d=json.load(sys.stdin); "
                  "print(sum(1 for l in d['layers'] for r in l['resources'] if r['custom'] and not r['type'].startswith('pulumi:')))")
    count = subprocess.run([PY, "-c", count_code], input=prod_plan, capture_output=True, text=True, check=True).stdout.strip()
    report = {
        "help_seconds": round(ours_help, 3),
        "help_floor_seconds": round(floor_help, 3),
        "help_ratio": round(ours_help / floor_help, 2),
        "help_target_ratio": 1.3,
        "plan_prod_seconds": round(ours_plan, 2),
        "plan_floor_import_seconds": round(floor_plan, 2),
        "plan_ratio": round(ours_plan / floor_plan, 2),
        "plan_target_ratio": 1.5,
        "plan_peak_rss_mib": round(ours_rss / 1024, 1),
        "floor_peak_rss_mib": round(floor_rss / 1024, 1),
        "plan_prod_resources": int(count),
        "pulumi_modules_touched": len(modules),
        "new_service_seconds": round(new_service_seconds(args.runs), 3),
        "new_service_target_seconds": 1.0,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
