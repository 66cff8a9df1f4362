"""Staff authentication: an officer signed in to the console (session cookie), or a machine client
with ``Authorization: Bearer <OFFICER_TOKEN>`` (one-stop systems, scripts)."""

from __future__ import annotations

import hmac

from fastapi import Depends, Header, HTTPException, Request, status
from starlette.concurrency import run_in_threadpool

from connectors.conversations import signing_key
from connectors.settings import GatewaySettings, get_settings
from connectors.staff import CSRF_HEADER, SESSION_COOKIE, session_account

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


async def require_staff(
    request: Request, authorization: str | None = Header(default=None),
    settings: GatewaySettings = Depends(get_settings),
) -> str:
    """Who is acting: the signed-in officer's name, or "officer" for the bearer token. The token API
    is off while no token is configured; a cookie-authenticated change needs the console's header
    (a cross-site form cannot send it)."""
    account = await run_in_threadpool(session_account, request.cookies.get(SESSION_COOKIE), signing_key(settings))
    if account and (request.method in SAFE_METHODS or request.headers.get(CSRF_HEADER)):
        return account["display_name"]
    expected = settings.officer_token.get_secret_value()
    if not expected and not account:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "Staff API disabled: set OFFICER_TOKEN")
    scheme, _, token = (authorization or "").partition(" ")
    if not expected or scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid or missing credentials",
                            headers={"WWW-Authenticate": "Bearer"})
    return "officer"


async def staff_or_none(
    request: Request, authorization: str | None = Header(default=None),
    settings: GatewaySettings = Depends(get_settings),
) -> str | None:
    """``require_staff`` for routes anyone may call that tell staff more: None for everyone else."""
    try:
        return await require_staff(request, authorization, settings)
    except HTTPException:
        return None
