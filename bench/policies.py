"""Benchmark (not a test): evaluating every policy rule on the prod sample plan; target under 0.2 s.

Run: .venv/bin/python bench/policies.py [--runs N] [--plan PLAN.json]
Without --plan it plans prod first (about 10 s, not measured).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import date
from pathlib import Path

TARGET_SECONDS = 0.2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--plan", type=Path, help="a prod plan document (platformctl plan --env prod --out FILE)")
    args = parser.parse_args()

    from platformctl.config.loader import LoadedPlatform, parse_platform
    from platformctl.config.sample import sample_text
    from platformctl.core.planning import build_plan
    from platformctl.core.policy_check import check_plan
    from platformctl.plan.model import Plan

    loaded = LoadedPlatform(parse_platform(sample_text(), source="built-in sample"), "built-in sample", True)
    plan = Plan.model_validate_json(args.plan.read_text()) if args.plan else build_plan(loaded=loaded, env="prod")
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        report = check_plan(plan=plan, loaded=loaded, today=date.today())
        times.append(time.perf_counter() - start)
    result = {
        "resources": len(plan.resources()),
        "verdicts": len(report.verdicts),
        "rules": len({v.rule for v in report.verdicts}),
        "median_s": round(statistics.median(times), 4),
        "max_s": round(max(times), 4),
        "target_s": TARGET_SECONDS,
    }
    print(json.dumps(result))
    raise SystemExit(0 if result["median_s"] < TARGET_SECONDS else 1)


if __name__ == "__main__":
    main()
