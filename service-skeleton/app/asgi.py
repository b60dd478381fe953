"""ASGI entry point: `uvicorn app.asgi:app` (settings from the environment)."""

from app.main import create_app
from app.settings import Settings

app = create_app(Settings())
