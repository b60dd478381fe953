"""A bare FastAPI app with one route: the benchmark's baseline (`uvicorn --app-dir bench/service bare_app:app`).
It lives here, not in the skeleton's app/, so `platformctl new-service` does not copy it into every service."""

from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/ping")
async def ping() -> JSONResponse:
    return JSONResponse({"status": "ok"})
