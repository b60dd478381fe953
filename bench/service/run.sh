#!/usr/bin/env bash
# Benchmark the service skeleton on PostgreSQL and Redis against a bare FastAPI app (see bench_service.py).
# Uses the skeleton's venv (service-skeleton/.venv, `make install` there; or PYTHON=/path/to/python).
# Needs wrk, redis-server and the PostgreSQL server binaries (initdb, postgres, psql).
# Exit code: 0 targets met, 1 a target missed, 2 could not run.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-service-skeleton/.venv/bin/python}"
if [ ! -x "$PYTHON" ]; then
  echo "error: no skeleton venv at $PYTHON: run 'make install' in service-skeleton, or set PYTHON" >&2
  exit 2
fi
if ! command -v wrk >/dev/null; then
  # Debian ships wrk; its Lua scripts give each request its own id or a POST body.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing wrk ..." >&2
    apt-get install -y -qq wrk >/dev/null 2>&1 || true
  fi
  if ! command -v wrk >/dev/null; then
    echo "error: wrk not found: apt-get install wrk" >&2
    exit 2
  fi
fi
exec "$PYTHON" bench/service/bench_service.py --python "$PYTHON" "$@"
