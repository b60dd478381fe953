"""Benchmark of the service skeleton: an authenticated, rate-limited, cache-hit GET /items/{id}
against a bare FastAPI /ping (bench/service/bare_app.py), same uvicorn settings, same run, load from wrk on loopback.

Target (the issue): at least 0.6x the bare requests/s, p99 at most 25 ms, at 64 connections.
Each target gets `--duration` seconds of load, cut into `--slices` that alternate between the two
(so both see the same outside load on a shared machine); the slices' latency histograms merge
into exact percentiles. Also reported: the server's CPU per request and its ratio.
Exit code: 0 target met, 1 target missed, 2 the benchmark could not run.

Run: bash bench/service/run.sh [--duration 10] [--slices 5] [--connections 64] [--runs 1]
(stdout: JSON figures; stderr: progress and a summary line.)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SKELETON = HERE.parents[1] / "service-skeleton"  # --skeleton DIR measures another copy (A/B)
LOADGEN = HERE / "loadgen.py"
MIN_RATIO = 0.6
MAX_P99_MS = 25.0

# Both servers get exactly these settings: one worker (as in a pod), uvloop + httptools,
# uvicorn's own access log off (the service writes its own JSON access log, kept on).
UVICORN_ARGS = ["--workers", "1", "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"]

# wrk reports through this script: counts, errors and the latency histogram (µs -> requests) as
# one JSON line, so the slices of a run merge into exact percentiles.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e, hist = summary.errors, {}
  for i = 1, #latency do
    local us, count = latency(i)
    hist[#hist + 1] = string.format('[%d,%d]', us, count)
  end
  io.write(string.format('BENCH {"requests": %d, "seconds": %.6f, "errors": %d, "non_2xx": %d, "hist": [%s]}\\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout, e.status, table.concat(hist, ',')))
end
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux): CPU per request is steadier than req/s on a
    machine that other work shares."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    """The benchmark could not run (a server did not start, a request failed)."""


@dataclass
class Load:
    """What a load generator saw against one target, possibly over several slices."""

    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    non_2xx: int = 0
    hist: Counter[int] = field(default_factory=Counter)  # latency µs -> requests
    server_cpu_s: float = 0.0

    def add(self, other: Load) -> None:
        self.requests += other.requests
        self.seconds += other.seconds
        self.errors += other.errors
        self.non_2xx += other.non_2xx
        self.hist.update(other.hist)
        self.server_cpu_s += other.server_cpu_s

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def server_cpu_us(self) -> float:
        return self.server_cpu_s / self.requests * 1e6

    def percentile_ms(self, p: float) -> float:
        wanted, seen = sum(self.hist.values()) * p / 100, 0
        for us in sorted(self.hist):
            seen += self.hist[us]
            if seen >= wanted:
                return us / 1000
        return 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "rps": round(self.rps),
            "p50_ms": round(self.percentile_ms(50), 2),
            "p99_ms": round(self.percentile_ms(99), 2),
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "server_cpu_us": round(self.server_cpu_us, 1),
        }


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float = 30.0, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise BenchError(f"{url}: the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise BenchError(f"{url} did not answer within {timeout:.0f}s")


def request(method: str, url: str, token: str, body: dict[str, object] | None = None) -> tuple[int, dict[str, str], bytes]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"Bearer {token}"})
    if data is not None:
        req.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def cache_counts(base: str) -> dict[str, float]:
    with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:
        text = response.read().decode()
    found = dict(re.findall(r'^cache_requests_total\{result="(\w+)"\} ([0-9.e+]+)$', text, re.MULTILINE))
    return {result: float(found.get(result, 0)) for result in ("hit", "miss", "error")}


class Servers:
    """redis-server, the service and the bare app on free loopback ports; all stopped on exit."""

    def __init__(self, stack: ExitStack, workdir: Path, python: str, skeleton: Path) -> None:
        self.stack, self.workdir, self.python, self.skeleton = stack, workdir, python, skeleton
        self.env = {
            **os.environ,
            "ENVIRONMENT": "local",  # the dev issuer signs the benchmark's token
            "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'bench.db'}",
            "DEV_ISSUER_KEY_PATH": str(workdir / "issuer" / "key.pem"),
            # High enough that no request of the run is refused: every request still runs the
            # rate-limit script in Redis, as in production.
            "RATE_LIMITS": json.dumps({"default": "1000000000/minute"}),
            "DOCS_ENABLED": "false",
            "FEATURES": "",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        self.env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = open(self.workdir / f"{name}.log", "wb")  # noqa: SIM115 (closed by the stack)
        self.stack.callback(log.close)
        process = subprocess.Popen(argv, cwd=self.skeleton, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.stack.callback(self._stop, process)
        return process

    @staticmethod
    def _stop(process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log_tail(self, name: str, lines: int = 20) -> str:
        path = self.workdir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def start_redis(self) -> str:
        binary = shutil.which("redis-server")
        if binary is None:
            raise BenchError("redis-server not found: apt-get install redis-server")
        port = free_port()
        argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"]
        self._spawn("redis", argv)
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return f"redis://127.0.0.1:{port}/0"
            if time.monotonic() > deadline:
                raise BenchError(f"redis-server did not start\n{self.log_tail('redis')}")
            time.sleep(0.02)

    def start_app(self, name: str, target: str, ready_path: str, *, app_dir: Path | None = None) -> tuple[str, int]:
        port = free_port()
        where = ["--app-dir", str(app_dir)] if app_dir is not None else []
        argv = [self.python, "-m", "uvicorn", target, *where, "--host", "127.0.0.1", "--port", str(port), *UVICORN_ARGS]
        process = self._spawn(name, argv)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(base + ready_path, process=process)
        except BenchError as exc:
            raise BenchError(f"{exc}\n{self.log_tail(name)}") from None
        return base, process.pid

    def mint_token(self) -> str:
        argv = [self.python, "-m", "app.devtoken", "--sub", "bench", "--roles", "editor", "--ttl", "3600"]
        done = subprocess.run(argv, check=False, cwd=self.skeleton, env=self.env, capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchError(f"app.devtoken failed: {done.stderr.strip()}")
        return done.stdout.strip()


def run_load(url: str, token: str, *, seconds: float, connections: int, threads: int, workdir: Path, python: str) -> Load:
    """wrk when installed, else the Python load generator (same report)."""
    wrk = shutil.which("wrk")
    if wrk is not None:
        script = workdir / "report.lua"
        script.write_text(WRK_REPORT)
        argv = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "5s"]
        argv += ["-s", str(script), "-H", f"Authorization: Bearer {token}", url]
    else:
        argv = [python, str(LOADGEN), "--connections", str(connections), "--seconds", f"{seconds:g}", "--token", token, url]
    done = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=seconds + 30)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not lines:
        raise BenchError(f"load generator failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    report = json.loads(lines[-1][len("BENCH ") :])
    hist: Counter[int] = Counter()
    for us, count in report.pop("hist"):
        hist[int(us)] += int(count)
    load = Load(**report, hist=hist)
    if load.requests == 0:
        raise BenchError(f"no request completed against {url}")
    return load


def measure(args: argparse.Namespace) -> dict[str, Any]:
    if not (args.skeleton / "app" / "asgi.py").is_file():
        raise BenchError(f"{args.skeleton} is not the service's directory (no app/asgi.py)")
    load_before = round(os.getloadavg()[0], 2)
    python = os.path.abspath(args.python)  # subprocesses run in service-skeleton/
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        servers = Servers(stack, workdir, python, args.skeleton.resolve())
        servers.env["REDIS_URL"] = servers.start_redis()
        say("starting the service and the bare app ...")
        service, service_pid = servers.start_app("service", "app.asgi:app", "/healthz")
        bare, bare_pid = servers.start_app("bare", "bare_app:app", "/ping", app_dir=HERE)
        token = servers.mint_token()

        status, _, body = request("POST", f"{service}/items", token, {"name": "lamp", "price": "9.99", "tags": ["home"]})
        if status != 201:
            raise BenchError(f"POST /items answered {status}: {body[:300]!r}")
        item_url = f"{service}/items/{json.loads(body)['id']}"
        request("GET", item_url, token)  # fills the cache
        status, headers, body = request("GET", item_url, token)
        if status != 200 or headers.get("x-cache") != "hit" or "ratelimit-limit" not in headers:
            raise BenchError(f"warm GET: {status} x-cache={headers.get('x-cache')}: {body[:300]!r}")

        slice_s = args.duration / args.slices
        load = {"seconds": slice_s, "connections": args.connections, "threads": args.threads, "workdir": workdir, "python": python}
        targets = {"bare": (f"{bare}/ping", bare_pid), "service": (item_url, service_pid)}
        for url, _ in targets.values():
            run_load(url, token, **{**load, "seconds": args.warmup})  # warm-up, discarded
        rounds = []
        for round_ in range(args.runs):
            totals = {"bare": Load(), "service": Load()}
            before = cache_counts(service)
            # Short slices, alternating which target goes first: both see the same outside load.
            for number in range(args.slices):
                for target in ("bare", "service") if number % 2 == 0 else ("service", "bare"):
                    url, pid = targets[target]
                    cpu_before = cpu_seconds(pid)
                    result = run_load(url, token, **load)
                    result.server_cpu_s = cpu_seconds(pid) - cpu_before
                    if result.errors or result.non_2xx:
                        raise BenchError(
                            f"{target}: {result.errors} socket errors, {result.non_2xx} non-2xx responses\n{servers.log_tail(target)}"
                        )
                    totals[target].add(result)
            after = cache_counts(service)
            # Every counted request was a cache hit (wrk may drop a few in flight at a slice's end).
            served = after["hit"] - before["hit"]
            if after["miss"] != before["miss"] or after["error"] != before["error"] or served < totals["service"].requests:
                raise BenchError(f"not all cache hits: before {before}, after {after}, {totals['service'].requests} requests")
            bare_load, service_load = totals["bare"], totals["service"]
            ratio = service_load.rps / bare_load.rps
            p99 = service_load.percentile_ms(99)
            rounds.append(
                {
                    "bare": bare_load.summary(),
                    "service": service_load.summary(),
                    "ratio": round(ratio, 3),
                    # bare CPU / service CPU per request: what the ratio would be if nothing else ran
                    "cpu_ratio": round(bare_load.server_cpu_us / service_load.server_cpu_us, 3),
                    "met": ratio >= MIN_RATIO and p99 <= MAX_P99_MS,
                }
            )
            say(f"  run {round_ + 1}: bare {bare_load.rps:.0f} req/s, service {service_load.rps:.0f} req/s")

    return {
        "target": {"min_ratio": MIN_RATIO, "max_p99_ms": MAX_P99_MS, "connections": args.connections},
        "load_generator": "wrk" if shutil.which("wrk") else "python (bench/service/loadgen.py)",
        "seconds_per_target": args.duration,
        "slices": args.slices,
        "cpus": os.cpu_count(),
        "load_average_before": load_before,  # other work on the machine skews the figures
        "rounds": rounds,
        "met": all(r["met"] for r in rounds),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per target and run (default 10)")
    parser.add_argument("--slices", type=int, default=5, help="alternating slices the duration is cut into (default 5)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of discarded load per target first (default 2)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--runs", type=int, default=1, help="measured rounds (default 1)")
    parser.add_argument("--skeleton", type=Path, default=SKELETON, help="the service's directory (default: service-skeleton)")
    parser.add_argument("--python", default=sys.executable, help="the skeleton venv's python (default: this one)")
    args = parser.parse_args(argv)
    try:
        report = measure(args)
    except BenchError as exc:
        say(f"error: {exc}")
        return 2
    print(json.dumps(report, indent=2))
    for number, r in enumerate(report["rounds"], 1):
        say(
            f"run {number}: bare {r['bare']['rps']} req/s p99 {r['bare']['p99_ms']} ms | "
            f"service {r['service']['rps']} req/s p99 {r['service']['p99_ms']} ms | ratio {r['ratio']} "
            f"(CPU {r['cpu_ratio']}) "
            f"-> {'met' if r['met'] else 'MISSED'} (>= {MIN_RATIO}x, p99 <= {MAX_P99_MS:g} ms)"
        )
    return 0 if report["met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
