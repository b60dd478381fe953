"""The service package: `create_app` in `app.main` builds the ASGI application."""
