"""A bare FastAPI app with one route: the benchmark's baseline (`uvicorn app.bare:app`)."""

from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/ping")
async def ping() -> JSONResponse:
    return JSONResponse({"status": "ok"})
