"""A throw-away PostgreSQL for the service benchmark: initdb into a temporary directory, `postgres` on a
free loopback port, stopped and removed when the benchmark's ExitStack closes, even after a failure.

As service-skeleton/tests/service_testing.py does, it runs as the `postgres` user when we are root
(initdb refuses root). Unlike the tests it keeps PostgreSQL's durable defaults (fsync and
synchronous_commit on): a create is measured with the commit flush a real database pays.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from processes import BenchError, free_port, stop


def find_pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


@dataclass(frozen=True)
class Postgres:
    port: int
    pid: int  # the postmaster: its children are the backends
    version: str
    psql: str

    @property
    def url(self) -> str:
        """The service's DATABASE_URL."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def run_sql(self, *statements: str) -> str:
        """Each statement in its own transaction (VACUUM refuses to run inside one)."""
        argv = [self.psql, "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres"]
        argv += ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1"]
        for statement in statements:
            argv += ["-c", statement]
        done = subprocess.run(argv, check=False, capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchError(f"psql failed: {done.stderr.strip()}")
        return done.stdout.strip()


def _as_postgres_user() -> dict[str, Any]:
    """subprocess arguments that run a command as `postgres` when we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return {}
    try:
        owner = pwd.getpwnam("postgres")
    except KeyError:
        raise BenchError("running as root without a 'postgres' user to run PostgreSQL as") from None
    return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}


def start_postgres(stack: ExitStack) -> Postgres:
    """A running PostgreSQL that `stack` stops (fast shutdown) and deletes on exit."""
    initdb, postgres, psql = find_pg_bin("initdb"), find_pg_bin("postgres"), find_pg_bin("psql")
    if not (initdb and postgres and psql):
        raise BenchError("PostgreSQL binaries (initdb, postgres, psql) not found: apt-get install postgresql")
    account = _as_postgres_user()
    # Its own directory under /tmp: the benchmark's work directory is root-only (0700).
    base = Path(tempfile.mkdtemp(prefix="bench-service-pg-"))
    stack.callback(shutil.rmtree, base, ignore_errors=True)
    if account:
        os.chown(base, account["user"], account["group"])
    data = base / "data"
    done = subprocess.run(
        [initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
        check=False,
        capture_output=True,
        text=True,
        cwd=base,
        **account,
    )
    if done.returncode != 0:
        raise BenchError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
    port = free_port()
    log = open(base / "server.log", "wb")  # noqa: SIM115 (closed by the stack)
    stack.callback(log.close)
    argv = [postgres, "-D", str(data), "-k", str(base), "-c", "listen_addresses=127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(argv, cwd=base, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **account)
    stack.callback(stop, process, signal.SIGINT, 30)  # SIGINT: fast shutdown, clients disconnected
    version = subprocess.run([postgres, "--version"], check=False, capture_output=True, text=True).stdout.strip()
    server = Postgres(port=port, pid=process.pid, version=version, psql=psql)
    deadline = time.monotonic() + 30
    while True:  # the port opens before the server accepts queries: ask it
        if process.poll() is not None:
            raise BenchError(f"postgres exited with code {process.returncode}:\n{_tail(base / 'server.log')}")
        try:
            server.run_sql("SELECT 1")
            return server
        except BenchError:
            if time.monotonic() > deadline:
                raise BenchError(f"PostgreSQL did not accept queries within 30s:\n{_tail(base / 'server.log')}") from None
            time.sleep(0.1)


def _tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""
