"""The gateway (FastAPI, port 8000): channel webhooks and the REST chat API in front of Rasa."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from connectors.api import analytics, health, officer, rest


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with httpx.AsyncClient() as client:
        app.state.http = client
        yield


app = FastAPI(title="Trợ lý ảo Dịch vụ công — gateway", lifespan=lifespan)
app.include_router(rest.router)
app.include_router(health.router)
app.include_router(officer.router)
app.include_router(analytics.router)


@app.exception_handler(RequestValidationError)
async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A clear 422 in Vietnamese and English, without echoing the (possibly huge) input."""
    fields = sorted({".".join(str(p) for p in e.get("loc", [])) for e in exc.errors()})
    return JSONResponse(
        status_code=422,
        content={"detail": "Yêu cầu không hợp lệ (invalid request)", "fields": fields},
    )
