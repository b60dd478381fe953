#!/usr/bin/env bash
# Run the benchmarks with the quickstart's virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python bench/bench.py "$@"
