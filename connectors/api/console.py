"""The officers' console page (``/officer/console``) and its sign-in: a staff account's password
(argon2) gives a signed session cookie, which a logout revokes. What the page shows comes from the
staff API (``officer.py``, ``analytics.py``), which accepts that cookie.

Sign-in attempts are counted (the ``limits`` library, in the gateway's rate-limit storage: Redis when
replicas share counts) per account at a client address and per client address, before the password
is checked (one atomic count, so attempts sent at once cannot all pass a check made before any is
counted); past either limit every sign-in there is refused for a while, a right password included,
so guessing gets nowhere. Guesses from one address do not lock the officer out from another."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import FileResponse
from limits import parse, storage, strategies
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from connectors import messages as msg
from connectors.api.web import STATIC
from connectors.conversations import signing_key
from connectors.ratelimit import limit_client_address
from connectors.settings import GatewaySettings, get_settings
from connectors.staff import SESSION_COOKIE, SESSION_HOURS, authenticate, session_account, session_value
from storage import staff

router = APIRouter(prefix="/officer", tags=["console"])
NO_CACHE = {"Cache-Control": "no-cache"}
ATTEMPTS_PER_ACCOUNT_AND_ADDRESS = parse("5/15 minutes")
ATTEMPTS_PER_ADDRESS = parse("20/15 minutes")


class LoginThrottle:
    """Sign-in attempts per account at an address and per address (a moving window), counted before
    the password is checked."""

    def __init__(self, settings: GatewaySettings) -> None:
        self._limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(settings.rate_limit_storage))

    def attempt(self, username: str, address: str) -> bool:
        """Count one attempt; False past either limit (each ``hit`` checks and counts atomically)."""
        return (self._limiter.hit(ATTEMPTS_PER_ACCOUNT_AND_ADDRESS, "staff-login-account", username, address)
                and self._limiter.hit(ATTEMPTS_PER_ADDRESS, "staff-login-address", address))

    def succeeded(self, username: str, address: str) -> None:
        """The officer's own mistakes at this address are forgotten (the address's count stays)."""
        self._limiter.clear(ATTEMPTS_PER_ACCOUNT_AND_ADDRESS, "staff-login-account", username, address)


async def login_throttle(request: Request) -> LoginThrottle:
    """The app's throttle, made on first use (on the event loop: sign-ins arriving at once share one)."""
    state = request.app.state
    if getattr(state, "staff_login_throttle", None) is None:
        state.staff_login_throttle = LoginThrottle(state.settings)
    return state.staff_login_throttle


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
async def login(body: Credentials, request: Request, response: Response, settings: GatewaySettings = Depends(get_settings),
                throttle: LoginThrottle = Depends(login_throttle)) -> dict[str, str]:
    address = request.client.host if request.client else "unknown"
    if not throttle.attempt(body.username, address):
        raise HTTPException(429, msg.STAFF_LOGIN_THROTTLED, headers={"Retry-After": "900"})
    account = await run_in_threadpool(authenticate, body.username, body.password)
    if account is None:
        raise HTTPException(401, msg.STAFF_LOGIN_FAILED)
    throttle.succeeded(body.username, address)
    response.set_cookie(SESSION_COOKIE, session_value(account, signing_key(settings)),
                        max_age=SESSION_HOURS * 3600, httponly=True, samesite="strict", path="/",
                        secure=settings.public_url.startswith("https://"))
    return {"username": account["username"], "name": account["display_name"]}


@router.post("/logout")
async def logout(request: Request, response: Response, settings: GatewaySettings = Depends(get_settings)) -> dict[str, str]:
    """Sign out: the account's session cookies stop working (on every device), not only this one's copy."""
    account = await run_in_threadpool(session_account, request.cookies.get(SESSION_COOKIE), signing_key(settings))
    if account is not None:
        await run_in_threadpool(staff.end_sessions, account["username"])
    response.delete_cookie(SESSION_COOKIE, path="/")
    return {"status": "signed out"}
