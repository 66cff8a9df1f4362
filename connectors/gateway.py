"""The gateway (FastAPI, port 8000): channel webhooks and the REST chat API in front of Rasa.

``create_app(settings)`` builds it; uvicorn runs ``connectors.gateway:create_app --factory``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from common.privacy import mask_logs
from connectors import messages as msg
from connectors.api import analytics, console, dossiers, health, kiosk, login, officer, rest, telegram, web, zalo
from connectors.api.auth import require_staff
from connectors.conversations import TOKEN_HEADER, signing_key
from connectors.core import Core
from connectors.limits import BodyLimit, Limit
from connectors.security import SecurityHeaders
from connectors.settings import GatewaySettings


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
    if app.state.core.http.is_closed:  # started again (test harnesses run the lifespan per request)
        app.state.core.http = httpx.AsyncClient(transport=app.state.transport)
    app.state.telegram = await start_telegram(app.state.core)
    try:
        yield
    finally:
        if app.state.telegram is not None:
            await app.state.telegram.stop()
            await app.state.telegram.shutdown()
        await app.state.core.http.aclose()


class InvalidRequest(BaseModel):
    """What a 422 says: which fields were wrong, never the (possibly huge) input itself."""

    detail: str
    fields: list[str]


async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A clear 422 in Vietnamese and English, without echoing the input."""
    fields = sorted({".".join(str(p) for p in e.get("loc", [])) for e in exc.errors()})
    body = InvalidRequest(detail="Yêu cầu không hợp lệ (invalid request)", fields=fields)
    return JSONResponse(status_code=422, content=body.model_dump())


# Citizens' and channels' routes: the public OpenAPI schema (/openapi.json).
PUBLIC_ROUTERS = (rest.router, login.router, health.router, dossiers.router, web.router, kiosk.router,
                  telegram.router, zalo.router)
# Staff routes (console, officer API, analytics, dossier statuses): served alike, but described only to
# staff, in the schema at /officer/openapi.json (with the public routes: the whole API).
STAFF_ROUTERS = (console.router, officer.router, analytics.router, dossiers.staff_router)
ROUTER_RESPONSES = {422: {"model": InvalidRequest}}


def staff_schema_route(app: FastAPI) -> APIRouter:
    """``GET /officer/openapi.json``: the whole API's schema, for staff (made on first request)."""
    described = APIRouter()
    for module_router in (*PUBLIC_ROUTERS, *STAFF_ROUTERS):
        described.include_router(module_router, responses=ROUTER_RESPONSES)
    router = APIRouter()

    @router.get("/officer/openapi.json", include_in_schema=False, dependencies=[Depends(require_staff)])
    def whole_schema() -> dict[str, object]:
        if getattr(app.state, "staff_schema", None) is None:
            app.state.staff_schema = get_openapi(title=app.title, version=app.version, routes=described.routes)
        return app.state.staff_schema

    return router


def create_app(settings: GatewaySettings | None = None, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """The gateway app; ``transport`` replaces the network under its HTTP client (tests)."""
    mask_logs()
    # No Swagger UI or ReDoc pages: FastAPI's load their scripts from a CDN, inline, which our policy refuses
    # (and citizens need no API page). Any OpenAPI viewer reads /openapi.json (staff: /officer/openapi.json).
    app = FastAPI(title="Trợ lý ảo Dịch vụ công — gateway", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings or GatewaySettings()
    app.state.transport = transport
    app.state.core = Core(app.state.settings, httpx.AsyncClient(transport=transport))
    app.state.telegram = None
    app.state.relying_party = login.relying_party(app.state.settings)
    for router in PUBLIC_ROUTERS:
        app.include_router(router, responses=ROUTER_RESPONSES)
    for router in STAFF_ROUTERS:
        app.include_router(router, responses=ROUTER_RESPONSES, include_in_schema=False)
    app.include_router(staff_schema_route(app))
    app.add_exception_handler(RequestValidationError, invalid_request)
    settings = app.state.settings
    app.add_middleware(BodyLimit, default=Limit(settings.max_body_bytes, msg.BODY_TOO_LARGE),
                       per_path={"/kiosk/speech": Limit(settings.max_audio_bytes, msg.AUDIO_TOO_LONG)})
    # Only a login in progress lives in this cookie (state, nonce, PKCE verifier), signed, for 15 minutes.
    app.add_middleware(SessionMiddleware, secret_key=signing_key(settings).decode(), session_cookie="dvc_login",
                       max_age=15 * 60, same_site="lax", https_only=settings.public_url.startswith("https://"))
    app.add_middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
    # Portals that embed the widget call the gateway from their own origin.
    app.add_middleware(CORSMiddleware, allow_origins=settings.origins, allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type", TOKEN_HEADER], max_age=600)
    # The client's address (the per-address limit) from X-Forwarded-For only when our own proxy sent it.
    # uvicorn runs with --no-proxy-headers: its own default believes any local peer.
    if settings.proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.proxies)
    return app
