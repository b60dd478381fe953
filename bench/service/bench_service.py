"""Benchmark of the service skeleton on real PostgreSQL and Redis, side by side with a bare FastAPI app
(bench/service/bare_app.py, one /ping route) in the same run: same uvicorn settings, load from wrk on loopback.

Paths (--paths, default all): cache-hit (authenticated GET /items/{id} served from Redis), pg-read
(authenticated GET /items/{id} of distinct seeded ids: every request a cache miss read from PostgreSQL),
list (GET /items?limit=20, never cached), create (POST /items). At each --connections count (default
64 and 256) every target gets --duration seconds of load, cut into --slices that rotate through the
bare app and the paths (forwards, then backwards), so all see the same outside load on a shared
machine; the slices' latency histograms merge into exact percentiles.

Targets (issue 15), at 64 connections: cache-hit >= 0.6x bare (p99 <= 25 ms), pg-read >= 0.25x,
create >= 0.12x; at every count, on every path: no non-2xx, no client timeout or socket error, p99 < 1 s.
Reported per path and count: req/s, x bare, p50, p99, errors, server CPU per request (the app, PostgreSQL, Redis).
Exit code: 0 targets met, 1 a target missed, 2 the benchmark could not run.

Run: bash bench/service/run.sh [--paths cache-hit,pg-read,list,create] [--connections 64,256]
     [--duration 10] [--slices 5] [--warmup 2] [--runs 1] [--rows 200000]
(stdout: JSON figures; stderr: progress and a summary.)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from paths import PATHS, RATIO_CONNECTIONS, missed_targets, targets
from postgres import Postgres, start_postgres
from processes import BenchError, cpu_seconds, say, tree_cpu_seconds, wait_idle
from servers import EVENT_LOOP, Servers, request, settled_cache_counts
from wrk import Load, run_wrk, wrk_binary

HERE = Path(__file__).resolve().parent
SKELETON = HERE.parents[1] / "service-skeleton"  # --skeleton DIR measures another copy (A/B)
FIRST_READ_ID = 2  # id 1 is the cache-hit path's item; pg-read reads 2 .. --rows


def seed(pg: Postgres, rows: int) -> None:
    """`rows` items, ids 1..rows, then VACUUM ANALYZE so reads neither set hint bits nor plan blind."""
    pg.run_sql(
        "INSERT INTO items (name, description, price, tags, owner) "
        "SELECT 'item ' || g, 'seeded by bench/service', (g % 100000) / 100.0, '[\"bench\", \"seed\"]'::jsonb, 'bench' "
        f"FROM generate_series(1, {rows}) AS g",
        "VACUUM ANALYZE items",
    )


class Bench:
    """The running servers and how to load them, one target (the bare app or a path) at a time."""

    def __init__(self, args: argparse.Namespace, servers: Servers, service: str, bare: str, token: str, workdir: Path) -> None:
        self.args, self.servers, self.service, self.bare, self.token, self.workdir = args, servers, service, bare, token, workdir

    def warm_cache_hit(self) -> None:
        url = f"{self.service}{PATHS['cache-hit'].url_path}"
        request("GET", url, self.token)  # fills the cache
        status, headers, body = request("GET", url, self.token)
        if status != 200 or headers.get("x-cache") != "hit" or "ratelimit-limit" not in headers:
            raise BenchError(f"warm GET {url}: {status} x-cache={headers.get('x-cache')}: {body[:300]!r}")

    def check_paths(self) -> None:
        """One request per path, answered as the measurement expects, before any load."""
        self.warm_cache_hit()
        status, headers, body = request("GET", f"{self.service}/items/{self.args.rows}", self.token)
        if status != 200 or headers.get("x-cache") != "miss":
            raise BenchError(f"GET /items/{self.args.rows}: {status} x-cache={headers.get('x-cache')}: {body[:300]!r}")
        status, _, body = request("GET", self.service + PATHS["list"].url_path, self.token)
        if status != 200 or len(json.loads(body)["items"]) != 20:
            raise BenchError(f"GET {PATHS['list'].url_path}: {status}: {body[:300]!r}")
        status, _, body = request("POST", f"{self.service}/items", self.token, {"name": "check", "price": "1.00", "tags": []})
        if status != 201:
            raise BenchError(f"POST /items answered {status}: {body[:300]!r}")
        self.servers.flush_redis()
        self.warm_cache_hit()

    def _cpu(self, pids: dict[str, int]) -> dict[str, float]:
        return {name: tree_cpu_seconds(pid) if name == "postgres" else cpu_seconds(pid) for name, pid in pids.items()}

    def run_target(self, target: str, connections: int, seconds: float) -> tuple[Load, dict[str, float]]:
        """One wrk run against `target`; returns what it saw and the service's cache counts meanwhile."""
        pids = self.servers.pids
        if target == "bare":
            url, script, script_args, watched = f"{self.bare}/ping", "", [], {"app": pids["bare"]}
        else:
            path = PATHS[target]
            url, script, script_args = self.service + path.url_path, path.script, []
            if target == "pg-read":  # distinct ids, from FIRST_READ_ID on: see wrk.DISTINCT_IDS
                script_args = [str(FIRST_READ_ID), str(self.args.rows - FIRST_READ_ID + 1), str(self.args.threads)]
            watched = {"app": pids["service"], "postgres": pids["postgres"], "redis": pids["redis"]}
        cache_before = settled_cache_counts(self.service) if target != "bare" else {}
        cpu_before = self._cpu(watched)
        load = run_wrk(
            url,
            self.token,
            script=script,
            script_args=script_args,
            seconds=seconds,
            connections=connections,
            threads=self.args.threads,
            timeout_s=self.args.timeout,
            workdir=self.workdir,
        )
        # CPU up to wrk's exit: the requests it leaves in flight are neither counted nor served yet.
        load.cpu_s = {name: after - cpu_before[name] for name, after in self._cpu(watched).items()}
        wait_idle(watched["app"])
        if "postgres" in watched:
            wait_idle(watched["postgres"], tree=True)
        if target == "bare":
            return load, {}
        cache_after = settled_cache_counts(self.service)
        cache = {k: cache_after[k] - cache_before[k] for k in cache_after}
        if target == "pg-read":
            if cache["hit"]:
                raise BenchError(f"pg-read: {cache['hit']:.0f} cache hits in one slice: ids repeated, raise --rows")
            # The next slice reads the same ids again: empty the cache, as if their TTL had run out.
            self.servers.flush_redis()
            self.warm_cache_hit()
        return load, cache

    def at(self, connections: int) -> dict[str, Any]:
        """Every target at `connections`, slices rotating through them; the figures per path."""
        names = ["bare", *self.args.paths]
        say(f"{connections} connections: warming up {', '.join(names)} ...")
        for name in names:
            self.run_target(name, connections, self.args.warmup)  # discarded
        totals = {name: Load() for name in names}
        caches = {name: {"hit": 0.0, "miss": 0.0, "error": 0.0} for name in names}
        slice_s = self.args.duration / self.args.slices
        for number in range(self.args.slices):
            for name in names if number % 2 == 0 else names[::-1]:
                load, cache = self.run_target(name, connections, slice_s)
                totals[name].add(load)
                for k, v in cache.items():
                    caches[name][k] += v
            say(f"  slice {number + 1}/{self.args.slices} done")
        bare = totals["bare"]
        result: dict[str, Any] = {"connections": connections, "bare": bare.summary(), "paths": {}}
        for name in self.args.paths:
            load = totals[name]
            row = load.summary()
            row["x_bare"] = round(load.rps / bare.rps, 3) if bare.rps else 0.0
            # bare CPU / app CPU per request: what x_bare would be if nothing else shared the cores
            app_cpu = load.cpu_us_per_request("app")
            row["cpu_x_bare"] = round(bare.cpu_us_per_request("app") / app_cpu, 3) if app_cpu else 0.0
            row["cache"] = {k: int(v) for k, v in caches[name].items()}
            row["missed"] = missed_targets(PATHS[name], connections, row)
            expected = PATHS[name].cache
            if expected == "hit" and (row["cache"]["miss"] or row["cache"]["error"] or row["cache"]["hit"] < load.requests):
                row["missed"].append(f"not every request a cache hit: {row['cache']}")
            if expected == "miss" and row["cache"]["miss"] < load.requests:
                row["missed"].append(f"not every request a cache miss: {row['cache']}")
            row["met"] = not row["missed"]
            result["paths"][name] = row
        return result


def measure(args: argparse.Namespace) -> dict[str, Any]:
    if not (args.skeleton / "app" / "asgi.py").is_file():
        raise BenchError(f"{args.skeleton} is not the service's directory (no app/asgi.py)")
    wrk_binary()
    load_before = [round(x, 2) for x in os.getloadavg()]
    python = os.path.abspath(args.python)  # subprocesses run in service-skeleton/
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        servers = Servers(stack, workdir, python, args.skeleton.resolve())
        servers.check_app_import()
        servers.env["REDIS_URL"] = servers.start_redis()
        say("starting PostgreSQL ...")
        pg = start_postgres(stack)
        servers.pids["postgres"] = pg.pid
        servers.env["DATABASE_URL"] = pg.url
        servers.migrate()
        say(f"seeding {args.rows} items ...")
        seed(pg, args.rows)
        say("starting the service and the bare app ...")
        service = servers.start_app("service", "app.asgi:app", "/healthz", loop=args.loop)
        bare = servers.start_app("bare", "bare_app:app", "/ping", loop=args.loop, app_dir=HERE)
        bench = Bench(args, servers, service, bare, servers.mint_token(), workdir)
        bench.check_paths()
        results = []
        for run in range(args.runs):
            for connections in args.connections:
                results.append({"run": run + 1, **bench.at(connections)})
        redis_version = subprocess.run(["redis-server", "--version"], check=False, capture_output=True, text=True).stdout.strip()
        versions = {"postgres": pg.version, "redis": redis_version}
    return {
        "targets": targets(),
        "paths": {name: PATHS[name].what for name in args.paths},
        "seconds_per_target": args.duration,
        "slices": args.slices,
        "wrk": {"threads": args.threads, "timeout_s": args.timeout},
        "event_loop": args.loop,
        "rows_seeded": args.rows,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_before": load_before,  # 1, 5, 15 min: other work on the machine skews the figures
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            **versions,
        },
        "results": results,
        "met": all(row["met"] for r in results for row in r["paths"].values()),
    }


def print_summary(report: dict[str, Any]) -> None:
    say(f"load average before {report['machine']['load_average_before']}, after {report['machine']['load_average_after']}")
    for r in report["results"]:
        b = r["bare"]
        say(f"run {r['run']}, {r['connections']} connections: bare {b['rps']} req/s p50 {b['p50_ms']} p99 {b['p99_ms']} ms")
        for name, row in r["paths"].items():
            errors = row["errors"]
            cpu = " ".join(f"{k} {v}" for k, v in row["cpu_us"].items())
            say(
                f"  {name:9} {row['rps']:>6} req/s {row['x_bare']:>6}x bare  p50 {row['p50_ms']} p99 {row['p99_ms']} ms  "
                f"non-2xx {errors['non_2xx']} timeouts {errors['timeouts']} socket {errors['socket']}  CPU µs/req: {cpu}  "
                + ("met" if row["met"] else "MISSED: " + "; ".join(row["missed"]))
            )


def _list(choices: tuple[str, ...] | None, convert: Any = str) -> Any:
    def parse(text: str) -> list[Any]:
        items = [convert(part.strip()) for part in text.split(",") if part.strip()]
        bad = [item for item in items if choices is not None and item not in choices]
        if bad or not items:
            raise argparse.ArgumentTypeError(f"expected a comma list of {', '.join(choices or ('numbers',))}, got {text!r}")
        return items

    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paths", type=_list(tuple(PATHS)), default=list(PATHS), help=f"comma list (default {','.join(PATHS)})")
    parser.add_argument("--connections", type=_list(None, int), default=[RATIO_CONNECTIONS, 256], help="comma list (default 64,256)")
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per target, count and run (default 10)")
    parser.add_argument("--slices", type=int, default=5, help="rotating slices the duration is cut into (default 5)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of discarded load per target and count first (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--timeout", type=float, default=5, help="wrk's client timeout in seconds (default 5)")
    parser.add_argument(
        "--loop",
        default=EVENT_LOOP,
        help=f"uvicorn --loop for both apps (default {EVENT_LOOP}, as the Dockerfile; 'uvloop' for plain uvloop)",
    )
    parser.add_argument("--runs", type=int, default=1, help="measured rounds (default 1)")
    parser.add_argument("--rows", type=int, default=200_000, help="items seeded: pg-read reads distinct ones (default 200000)")
    parser.add_argument("--skeleton", type=Path, default=SKELETON, help="the service's directory (default: service-skeleton)")
    parser.add_argument("--python", default=sys.executable, help="the skeleton venv's python (default: this one)")
    args = parser.parse_args(argv)
    if args.rows < 1000:
        parser.error("--rows must be at least 1000")
    try:
        report = measure(args)
    except BenchError as exc:
        say(f"error: {exc}")
        return 2
    print(json.dumps(report, indent=2))
    print_summary(report)
    return 0 if report["met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
