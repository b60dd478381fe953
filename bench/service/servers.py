"""The processes the service benchmark talks to over loopback: redis-server, the service, the bare app;
and the few HTTP and Redis calls it makes to prepare and check them."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from processes import BenchError, free_port, stop, wait_for_port

# Both apps get exactly these settings: one worker (as in a pod), the service's event loop
# (uvloop that accepts a burst of connections at once: app.core.eventloop, importable from the
# skeleton folder both run in) + httptools, uvicorn's own access log off (the service writes its
# own JSON access log, kept on).
EVENT_LOOP = "app.core.eventloop:new_event_loop"
UVICORN_ARGS = ["--workers", "1", "--http", "httptools", "--no-access-log", "--log-level", "warning"]


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


def settled_cache_counts(base: str, timeout: float = 3.0) -> dict[str, float]:
    """The cache counters once requests still in flight from the last wrk run have finished
    (wrk stops without waiting for them), so a slice's counts are its own."""
    deadline = time.monotonic() + timeout
    last = cache_counts(base)
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = cache_counts(base)
        if now == last:
            return now
        last = now
    return last


class Servers:
    """redis-server, the service and the bare app on free loopback ports; all stopped on exit."""

    def __init__(self, stack: ExitStack, workdir: Path, python: str, skeleton: Path) -> None:
        self.stack, self.workdir, self.python, self.skeleton = stack, workdir, python, skeleton
        self.redis_port = 0
        self.pids: dict[str, int] = {}
        self.env = {
            **os.environ,
            "ENVIRONMENT": "local",  # the dev issuer signs the benchmark's token
            "DB_AUTO_MIGRATE": "false",  # migrated once, by `python -m app.migrate`, as a deploy does
            "DEV_ISSUER_KEY_PATH": str(workdir / "issuer" / "key.pem"),
            # High enough that no request of the run is refused: every request still runs the
            # rate-limit script in Redis, as in production.
            "RATE_LIMITS": json.dumps({"default": "1000000000/minute"}),
            "DOCS_ENABLED": "false",
            "FEATURES": "",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "PYTHONPATH"):  # PYTHONPATH: the skeleton's own `app`, nothing else
            self.env.pop(name, None)

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = open(self.workdir / f"{name}.log", "wb")  # noqa: SIM115 (closed by the stack)
        self.stack.callback(log.close)
        process = subprocess.Popen(argv, cwd=self.skeleton, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.stack.callback(stop, process)
        self.pids[name] = process.pid
        return process

    def _run(self, what: str, argv: list[str]) -> str:
        done = subprocess.run(argv, check=False, cwd=self.skeleton, env=self.env, capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchError(f"{what} failed: {done.stderr.strip()[-2000:]}")
        return done.stdout.strip()

    def log_tail(self, name: str, lines: int = 20) -> str:
        path = self.workdir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def check_app_import(self) -> None:
        """The service's `app` must come from the skeleton measured, not from an editable install elsewhere."""
        found = Path(self._run("importing app", [self.python, "-c", "import app; print(app.__file__)"]))
        if not found.resolve().is_relative_to(self.skeleton):
            raise BenchError(f"`import app` in {self.skeleton} finds {found}: another copy shadows the one to measure")

    def start_redis(self) -> str:
        binary = shutil.which("redis-server")
        if binary is None:
            raise BenchError("redis-server not found: apt-get install redis-server")
        self.redis_port = free_port()
        argv = [binary, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self._spawn("redis", [*argv, "--protected-mode", "no"])
        try:
            wait_for_port(self.redis_port, "redis-server")
        except BenchError as exc:
            raise BenchError(f"{exc}\n{self.log_tail('redis')}") from None
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def flush_redis(self) -> None:
        """Empty the cache (and the rate-limit windows): as if every entry's TTL had run out."""
        with socket.create_connection(("127.0.0.1", self.redis_port), timeout=5) as sock:
            sock.sendall(b"*1\r\n$7\r\nFLUSHDB\r\n")
            answer = sock.recv(64)
        if not answer.startswith(b"+OK"):
            raise BenchError(f"FLUSHDB answered {answer!r}")

    def migrate(self) -> None:
        self._run("python -m app.migrate", [self.python, "-m", "app.migrate", "upgrade"])

    def start_app(self, name: str, target: str, ready_path: str, *, loop: str, app_dir: Path | None = None) -> str:
        port = free_port()
        where = ["--app-dir", str(app_dir)] if app_dir is not None else []
        argv = [self.python, "-m", "uvicorn", target, *where, "--host", "127.0.0.1", "--port", str(port), "--loop", loop, *UVICORN_ARGS]
        process = self._spawn(name, argv)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(base + ready_path, process=process)
        except BenchError as exc:
            raise BenchError(f"{exc}\n{self.log_tail(name)}") from None
        return base

    def mint_token(self) -> str:
        return self._run("app.devtoken", [self.python, "-m", "app.devtoken", "--sub", "bench", "--roles", "editor", "--ttl", "3600"])
