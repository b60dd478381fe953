"""ASGI entry point: `uvicorn app.asgi:app` (settings from the environment)."""

import sys

from app.core.settings import ConfigurationError, Settings
from app.main import create_app

try:
    app = create_app(Settings())
except ConfigurationError as exc:  # a deployment mistake: say what to set, without a traceback
    print(f"error: {exc}", file=sys.stderr)
    raise SystemExit(2) from None
