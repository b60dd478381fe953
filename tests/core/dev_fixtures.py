"""A fake service for `dev`: the skeleton's service.yaml, an app/ to find, and a stand-in interpreter
that answers the probe, serves /healthz and runs a "worker" — no service dependencies needed."""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

from platformctl.paths import skeleton_dir

FAKE_PYTHON = '''#!{python}
"""Stands in for a service environment's python (see tests/core/dev_fixtures.py)."""
import http.server, json, os, signal, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
args = sys.argv[1:]
if args[0] == "-c":
    if os.environ.get("FAKE_BROKEN"):
        sys.exit("ImportError: the environment is broken")
    print(json.dumps({{"uvicorn": os.environ.get("FAKE_UVICORN", "1") == "1", "watchfiles": os.environ.get("FAKE_WATCHFILES", "1") == "1"}}))
    sys.exit(0)
if args[1] == "uvicorn":
    host, port = args[args.index("--host") + 1], int(args[args.index("--port") + 1])
    status = int(os.environ.get("FAKE_HEALTH_STATUS", "200"))

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(status if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, *_):
            pass

    server = http.server.HTTPServer((host, port), Health)
    print(f"listening on {{port}}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("api stopped", flush=True)
else:  # -m app.worker, or -m watchfiles running it
    print(f"worker up ({{args[1]}})", flush=True)
    try:
        time.sleep(float(os.environ.get("FAKE_WORKER_SECONDS", "60")))
    except KeyboardInterrupt:
        print("worker stopped", flush=True)
        sys.exit(0)
    sys.exit(int(os.environ.get("FAKE_WORKER_EXIT", "0")))
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_service(root: Path, *, port: int | None = None, worker: bool = True, venv: bool = True) -> Path:
    """A service folder under `root` whose .venv/bin/python is the fake interpreter."""
    service = root / "svc"
    (service / "app").mkdir(parents=True)
    manifest = (skeleton_dir() / "service.yaml").read_text(encoding="utf-8")
    (service / "service.yaml").write_text(manifest.replace("port: 8000", f"port: {port or free_port()}"), encoding="utf-8")
    for name in ("__init__.py", "asgi.py", *(("worker.py",) if worker else ())):
        (service / "app" / name).write_text("", encoding="utf-8")
    (service / "Makefile").write_text("token:\n\t@.venv/bin/python -m app.devtoken --roles admin,editor\n", encoding="utf-8")
    if venv:
        python = service / ".venv" / "bin" / "python"
        python.parent.mkdir(parents=True)
        python.write_text(FAKE_PYTHON.format(python=sys.executable), encoding="utf-8")
        python.chmod(0o755)
    return service


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc (Linux)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[stat.rfind(")") + 2 :].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def running(pid: int) -> bool:
    """True while `pid` exists and is not a zombie (where PID 1 does not reap orphans, they linger)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] not in "ZX"


def wait_for(predicate, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
