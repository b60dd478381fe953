#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh Debian machine, then run pytest.
# Idempotent: a second run reuses .venv and skips what is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

# System tools the integration and end-to-end tests start for real (PostgreSQL, Redis), and graphviz for diagrams.
need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)  # plan --diagram
command -v zsh >/dev/null 2>&1 || need_apt+=(zsh)  # dev's printed token command is run in bash, sh and zsh
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

# The project and its test tools, from the lock file so the resolver never backtracks.
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.lock
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
# The CrossGuard pack's SDK, for the test of its entry point; --no-deps: it pins protobuf 5.29, the lock holds 6
# (the pack's own venv, made by the Pulumi CLI, gets its pins; here only its policy classes are exercised).
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -r platformctl/policies/crossguard/pack/requirements.txt

# Gates before any test: a lint or type error fails CI at once (config in pyproject.toml).
.venv/bin/ruff check .
.venv/bin/mypy --strict platformctl
.venv/bin/mypy stacks

# checkov pins an old boto3: it gets a virtual environment of its own.
if [ ! -x .venv-checkov/bin/checkov ]; then
  python3 -m venv .venv-checkov
  .venv-checkov/bin/python -m pip install -q --disable-pip-version-check "checkov>=3.2,<4"
fi
export CHECKOV_BIN="$PWD/.venv-checkov/bin/checkov"

# The service skeleton is a product of its own: its suite runs in its own environment, against
# real PostgreSQL and Redis, before platformctl's.
if [ ! -x service-skeleton/.venv/bin/python ]; then python3 -m venv service-skeleton/.venv; fi
service-skeleton/.venv/bin/python -m pip install -q --disable-pip-version-check -r service-skeleton/requirements.lock -e 'service-skeleton[dev]'
(cd service-skeleton && .venv/bin/ruff check app tests && .venv/bin/mypy)  # its Makefile's `lint` target, config in its pyproject
(cd service-skeleton && .venv/bin/python -m pytest -q -p no:cacheprovider)
export SERVICE_PYTHON="$PWD/service-skeleton/.venv/bin/python"  # platformctl dev's end-to-end test serves the skeleton with it

exec .venv/bin/python -m pytest -n 2 "$@"
