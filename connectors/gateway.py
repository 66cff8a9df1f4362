"""The gateway (FastAPI, port 8000): channel webhooks and the REST chat API in front of Rasa."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from connectors.api import analytics, dossiers, health, kiosk, officer, rest, telegram, web, zalo


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with httpx.AsyncClient() as client:
        app.state.http = client
        app.state.telegram = await start_telegram()
        try:
            yield
        finally:
            if app.state.telegram is not None:
                await app.state.telegram.stop()
                await app.state.telegram.shutdown()


async def start_telegram():
    """Telegram in webhook mode when a bot token is configured (polling runs as its own process)."""
    token = os.environ.get("TELEGRAM_BOT_TOKEN")
    if not token or os.environ.get("TELEGRAM_MODE", "webhook") != "webhook":
        return None
    from connectors.telegram import build_application

    application = build_application(token, os.environ.get("TELEGRAM_API_BASE"))
    await application.initialize()
    await application.start()
    return application


app = FastAPI(title="Trợ lý ảo Dịch vụ công — gateway", lifespan=lifespan)
app.include_router(rest.router)
app.include_router(health.router)
app.include_router(officer.router)
app.include_router(analytics.router)
app.include_router(dossiers.router)
app.include_router(web.router)
app.include_router(kiosk.router)
app.include_router(telegram.router)
app.include_router(zalo.router)


@app.exception_handler(RequestValidationError)
async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A clear 422 in Vietnamese and English, without echoing the (possibly huge) input."""
    fields = sorted({".".join(str(p) for p in e.get("loc", [])) for e in exc.errors()})
    return JSONResponse(
        status_code=422,
        content={"detail": "Yêu cầu không hợp lệ (invalid request)", "fields": fields},
    )
