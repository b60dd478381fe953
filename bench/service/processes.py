"""Local server processes of the service benchmark: free ports, start-up waits, stopping, CPU accounting."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


class BenchError(Exception):
    """The benchmark could not run (a server did not start, a request failed)."""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, name: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        if time.monotonic() > deadline:
            raise BenchError(f"{name} did not listen on port {port} within {timeout:.0f}s")
        time.sleep(0.02)


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    """Stop a process we started: `sig` first (PostgreSQL wants SIGINT for a fast shutdown), then SIGKILL."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _stat(pid: int) -> list[str]:
    # Fields after the command name, which may itself hold spaces and parentheses.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux): CPU per request is steadier than req/s on a
    machine that other work shares."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU of a process and its children: PostgreSQL serves each connection from a child. A child
    that has exited (a pool closing an idle connection, an autovacuum worker) counts through the
    parent's cutime + cstime, which the kernel adds once the parent has reaped it; without them
    the total fell when a backend exited mid-slice (a CPU of -1 µs a request was once printed)."""
    fields = _stat(pid)
    total = sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat(int(entry.name))
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:  # field 4 of stat, the parent's id
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def wait_idle(pid: int, *, tree: bool = False, timeout: float = 10.0) -> None:
    """Wait until a server (with its children when `tree`) uses at most one clock tick of CPU in 100 ms.
    wrk stops without waiting for the requests it left in flight (up to one per connection), and
    PostgreSQL flushes WAL and vacuums after writes: that work must not eat into the next slice."""
    cpu = tree_cpu_seconds if tree else cpu_seconds
    tick = 1 / os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + timeout
    last = cpu(pid)
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = cpu(pid)
        if now - last <= tick:
            return
        last = now
