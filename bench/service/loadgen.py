"""A small HTTP/1.1 keep-alive load generator, used by bench_service.py only when wrk is missing.

It is slower than wrk and takes a core of its own, so its absolute figures are lower; the ratio of
two targets measured with it in the same run is still comparable. Prints one `BENCH {...}` line in
the same shape as the wrk report.

Run: python loadgen.py --connections 64 --seconds 10 [--token T] http://127.0.0.1:8000/ping
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit


async def connection(host: str, port: int, raw: bytes, deadline: float, latencies: list[float], counts: dict[str, int]) -> None:
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        counts["errors"] += 1
        return
    try:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            writer.write(raw)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if not head.startswith(b"HTTP/1.1 2"):
                counts["non_2xx"] += 1
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        counts["errors"] += 1
    finally:
        writer.close()


async def run(url: str, connections: int, seconds: float, token: str | None) -> dict[str, Any]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    raw = f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\n{auth}\r\n".encode()
    latencies: list[float] = []
    counts = {"errors": 0, "non_2xx": 0}
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(*(connection(host, port, raw, deadline, latencies, counts) for _ in range(connections)))
    elapsed = time.perf_counter() - start
    hist = Counter(int(latency * 1e6) for latency in latencies)
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "errors": counts["errors"],
        "non_2xx": counts["non_2xx"],
        "hist": sorted(hist.items()),  # latency µs -> requests, as wrk's report
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--token")
    args = parser.parse_args()
    try:
        import uvloop

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:
        runner = asyncio.Runner()
    with runner:
        report = runner.run(run(args.url, args.connections, args.seconds, args.token))
    print("BENCH " + json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
