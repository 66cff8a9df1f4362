"""The gateway (FastAPI, port 8000): channel webhooks and the REST chat API in front of Rasa.

``create_app(settings)`` builds it; uvicorn runs ``connectors.gateway:create_app --factory``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from connectors import messages as msg
from connectors.api import analytics, dossiers, health, kiosk, officer, rest, telegram, web, zalo
from connectors.conversations import TOKEN_HEADER
from connectors.core import Core
from connectors.limits import BodyLimit, Limit
from connectors.settings import GatewaySettings
from dossiers.privacy import mask_logs


async def start_telegram(core: Core):
    """Telegram in webhook mode when a bot token is configured (polling runs as its own process)."""
    settings = core.settings
    if not settings.telegram_bot_token.get_secret_value() or settings.telegram_mode != "webhook":
        return None
    from connectors.telegram import build_application

    application = build_application(core)
    await application.initialize()
    await application.start()
    return application


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with httpx.AsyncClient(transport=app.state.transport) as client:
        app.state.core = Core(app.state.settings, client)
        app.state.telegram = await start_telegram(app.state.core)
        try:
            yield
        finally:
            if app.state.telegram is not None:
                await app.state.telegram.stop()
                await app.state.telegram.shutdown()


async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A clear 422 in Vietnamese and English, without echoing the (possibly huge) input."""
    fields = sorted({".".join(str(p) for p in e.get("loc", [])) for e in exc.errors()})
    return JSONResponse(status_code=422, content={"detail": "Yêu cầu không hợp lệ (invalid request)", "fields": fields})


def create_app(settings: GatewaySettings | None = None, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """The gateway app; ``transport`` replaces the network under its HTTP client (tests)."""
    mask_logs()
    app = FastAPI(title="Trợ lý ảo Dịch vụ công — gateway", lifespan=lifespan)
    app.state.settings = settings or GatewaySettings()
    app.state.transport = transport
    for module in (rest, health, officer, analytics, dossiers, web, kiosk, telegram, zalo):
        app.include_router(module.router)
    app.add_exception_handler(RequestValidationError, invalid_request)
    settings = app.state.settings
    app.add_middleware(BodyLimit, default=Limit(settings.max_body_bytes, msg.BODY_TOO_LARGE),
                       per_path={"/kiosk/speech": Limit(settings.max_audio_bytes, msg.AUDIO_TOO_LONG)})
    # Portals that embed the widget call the gateway from their own origin.
    app.add_middleware(CORSMiddleware, allow_origins=settings.origins, allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type", TOKEN_HEADER], max_age=600)
    return app
