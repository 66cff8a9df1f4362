"""The officers' console page (``/officer/console``) and its sign-in: a staff account's password
(argon2) gives a signed session cookie. What the page shows comes from the staff API (``officer.py``,
``analytics.py``), which accepts that cookie."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from connectors import messages as msg
from connectors.api.web import STATIC
from connectors.conversations import signing_key
from connectors.ratelimit import limit_client_address
from connectors.settings import GatewaySettings, get_settings
from connectors.staff import SESSION_COOKIE, SESSION_HOURS, authenticate, session_value

router = APIRouter(prefix="/officer", tags=["console"])
NO_CACHE = {"Cache-Control": "no-cache"}


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


@router.get("/console", include_in_schema=False)
def console() -> FileResponse:
    return FileResponse(STATIC / "officer.html", media_type="text/html; charset=utf-8", headers=NO_CACHE)


@router.get("/console.js", include_in_schema=False)
def console_script() -> FileResponse:
    return FileResponse(STATIC / "officer.js", media_type="text/javascript; charset=utf-8", headers=NO_CACHE)


@router.get("/chart.js", include_in_schema=False)
def chart_library() -> FileResponse:
    """Chart.js 4.6.1 (MIT), served from here: the console makes no outside request."""
    return FileResponse(STATIC / "vendor" / "chart.umd.min.js", media_type="text/javascript; charset=utf-8")


@router.post("/login", dependencies=[Depends(limit_client_address)])
async def login(body: Credentials, response: Response, settings: GatewaySettings = Depends(get_settings)) -> dict[str, str]:
    account = await run_in_threadpool(authenticate, body.username, body.password)
    if account is None:
        raise HTTPException(401, msg.STAFF_LOGIN_FAILED)
    response.set_cookie(SESSION_COOKIE, session_value(account["username"], signing_key(settings)),
                        max_age=SESSION_HOURS * 3600, httponly=True, samesite="strict", path="/",
                        secure=settings.public_url.startswith("https://"))
    return {"username": account["username"], "name": account["display_name"]}


@router.post("/logout")
def logout(response: Response) -> dict[str, str]:
    response.delete_cookie(SESSION_COOKIE, path="/")
    return {"status": "signed out"}
