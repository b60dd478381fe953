#!/usr/bin/env bash
# Benchmark the service skeleton's cache-hit GET against a bare FastAPI app (see bench_service.py).
# Uses the skeleton's venv (service-skeleton/.venv, `make install` there; or PYTHON=/path/to/python).
# Exit code: 0 target met, 1 missed, 2 could not run.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-service-skeleton/.venv/bin/python}"
if [ ! -x "$PYTHON" ]; then
  echo "error: no skeleton venv at $PYTHON: run 'make install' in service-skeleton, or set PYTHON" >&2
  exit 2
fi
if ! command -v wrk >/dev/null; then
  # Debian ships wrk; without it (and without root) the Python load generator stands in.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing wrk ..." >&2
    apt-get install -y -qq wrk >/dev/null 2>&1 || echo "wrk not installed: using the Python load generator" >&2
  else
    echo "wrk not found (apt-get install wrk): using the Python load generator" >&2
  fi
fi
exec "$PYTHON" bench/service/bench_service.py --python "$PYTHON" "$@"
