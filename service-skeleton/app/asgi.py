"""ASGI entry point: `uvicorn app.asgi:app` (settings from the environment)."""

import sys

from app.main import create_app
from app.settings import ConfigurationError, Settings

try:
    app = create_app(Settings())
except ConfigurationError as exc:  # a deployment mistake: say what to set, without a traceback
    print(f"error: {exc}", file=sys.stderr)
    raise SystemExit(2) from None
