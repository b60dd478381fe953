"""wrk runs of the service benchmark: the Lua that shapes each request, and what one run saw (`Load`),
merged over slices into exact percentiles."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from processes import BenchError

# Every script ends with this report: counts, errors by kind and the latency histogram (µs ->
# requests) as one JSON line, so the slices of a run merge into exact percentiles.
REPORT = """
done = function(summary, latency, requests)
  local e, hist = summary.errors, {}
  for i = 1, #latency do
    local us, count = latency(i)
    hist[#hist + 1] = string.format('[%d,%d]', us, count)
  end
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.6f, "socket_errors": %d, "timeouts": %d, "non_2xx": %d, "hist": [%s]}\\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write, e.timeout, e.status,
    table.concat(hist, ',')))
end
"""

# GET /items/{id} over the ids first .. first+count-1, each once per run while fewer requests are
# made than there are ids: thread t of n asks for first+t, first+t+n, first+t+2n, ...
# Arguments after `--`: first count threads.
DISTINCT_IDS = """
local started = 0
function setup(thread)
  thread:set("offset", started)
  started = started + 1
end
function init(args)
  first, count, stride = tonumber(args[1]), tonumber(args[2]), tonumber(args[3])
  n = offset
end
function request()
  local id = first + n % count
  n = n + stride
  return wrk.format(nil, "/items/" .. id)
end
"""


def post_json(body: dict[str, Any]) -> str:
    """The same JSON body on every request: the service gives each row its own id."""
    return f"""
wrk.method = "POST"
wrk.body = {json.dumps(json.dumps(body))}
wrk.headers["Content-Type"] = "application/json"
"""


@dataclass
class Load:
    """What wrk saw against one target, possibly over several slices, and the servers' CPU meanwhile."""

    requests: int = 0
    seconds: float = 0.0
    socket_errors: int = 0  # connect, read, write
    timeouts: int = 0  # no answer within wrk's --timeout
    non_2xx: int = 0
    hist: Counter[int] = field(default_factory=Counter)  # latency µs -> requests
    cpu_s: dict[str, float] = field(default_factory=dict)  # process name -> CPU seconds

    def add(self, other: Load) -> None:
        self.requests += other.requests
        self.seconds += other.seconds
        self.socket_errors += other.socket_errors
        self.timeouts += other.timeouts
        self.non_2xx += other.non_2xx
        self.hist.update(other.hist)
        for name, seconds in other.cpu_s.items():
            self.cpu_s[name] = self.cpu_s.get(name, 0.0) + seconds

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def cpu_us_per_request(self, name: str) -> float:
        return self.cpu_s.get(name, 0.0) / self.requests * 1e6 if self.requests else 0.0

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
            "errors": {"non_2xx": self.non_2xx, "timeouts": self.timeouts, "socket": self.socket_errors},
            # CPU per request of each server process involved (µs); "app" is the one answering HTTP.
            "cpu_us": {name: round(self.cpu_us_per_request(name), 1) for name in self.cpu_s},
        }


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise BenchError("wrk not found: apt-get install wrk (bench/service/run.sh installs it when root)")
    return found


def run_wrk(
    url: str,
    token: str,
    *,
    script: str,
    script_args: list[str],
    seconds: float,
    connections: int,
    threads: int,
    timeout_s: float,
    workdir: Path,
) -> Load:
    """One wrk run against `url` with `script` (Lua, before the report)."""
    lua = workdir / "request.lua"
    lua.write_text(script + REPORT)
    argv = [wrk_binary(), "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", f"{timeout_s:g}s"]
    argv += ["-s", str(lua), "-H", f"Authorization: Bearer {token}", url]
    if script_args:
        argv += ["--", *script_args]
    done = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=seconds + timeout_s + 30)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not lines:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    report = json.loads(lines[-1][len("BENCH ") :])
    hist: Counter[int] = Counter()
    for us, count in report.pop("hist"):
        hist[int(us)] += int(count)
    load = Load(**report, hist=hist)
    if load.requests == 0 and not (load.socket_errors or load.timeouts):
        raise BenchError(f"no request completed against {url}")
    return load
