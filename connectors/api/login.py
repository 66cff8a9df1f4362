"""Citizen login: the gateway as an OpenID Connect relying party (authorization code + PKCE, Authlib).

A login always starts from a one-time link issued to one conversation (``storage.identities``):
- the widget asks ``POST /auth/links`` with its conversation token; in Telegram and Zalo the bot's
  "đăng nhập" reply carries a link the gateway made for that verified chat;
- ``GET /auth/login/{link}`` spends the link and redirects to the provider; the flow's state, nonce
  and PKCE verifier wait in a short-lived signed cookie, so any replica can finish the login;
- ``GET /auth/callback`` has Authlib check the ID token (signature against the provider's JWKS,
  issuer, audience, nonce) and binds the conversation to the citizen.
A link must sign in only the citizen whose conversation it is, not whoever it was sent to. The widget's
link is bound to its browser: ``POST /auth/links`` sets a random cookie whose hash is kept with the
link, and a browser without that cookie is turned away. A chat's link (Telegram, Zalo: opened in some
other browser) ends on a page with a one-time code; the conversation is bound only when that code is
typed into that same chat (``Core.confirm_login``).
The citizen is known by an HMAC of (issuer, subject) under the gateway's key: a national identity
account's subject may be a personal number, so it is never stored as such.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
import re
import secrets
from urllib.parse import urlsplit

from authlib.integrations.starlette_client import OAuth, OAuthError, StarletteOAuth2App
from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from joserfc.errors import JoseError
from starlette.concurrency import run_in_threadpool

from connectors import messages as msg
from connectors.api.rest import browser_conversation
from connectors.conversations import signing_key
from connectors.core import Core, get_core
from connectors.ratelimit import limit_client_address
from connectors.settings import GatewaySettings
from storage import identities

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["login"], dependencies=[Depends(limit_client_address)])
SESSION_KEY = "login"
BROWSER_COOKIE = "dvc_login_browser"  # the browser that asked for a login link (its hash is kept with the link)
BROWSER_COOKIE_SECONDS = 30 * 60  # the link's 15 minutes, then the login's own 15


def relying_party(settings: GatewaySettings) -> StarletteOAuth2App | None:
    """The OpenID Connect client, or None while no issuer is configured (login off)."""
    if not settings.oidc_issuer:
        return None
    return OAuth().register(
        "citizen",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value() or None,
        server_metadata_url=f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": settings.oidc_scope, "code_challenge_method": "S256"},
    )


def citizen_id(key: bytes, issuer: str, subject: str) -> str:
    return hmac.new(key, f"{issuer}\n{subject}".encode(), hashlib.sha256).hexdigest()


def page(text: str, status_code: int = 200, return_to: str | None = None) -> HTMLResponse:
    """A plain page for the browser tab the login happens in (with a way back to a checked page)."""
    back = f'<p><a href="{html.escape(return_to)}">{html.escape(msg.LOGIN_RETURN)}</a></p>' if return_to else ""
    return HTMLResponse(
        f'<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>Đăng nhập — Trợ lý ảo Dịch vụ công</title><p>{html.escape(text)}</p>{back}</html>",
        status_code=status_code,
    )


def browser_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def same_browser(request: Request, expected_hash: str) -> bool:
    """Whether this browser holds the cookie the link was made for."""
    value = request.cookies.get(BROWSER_COOKIE, "")
    return bool(value) and hmac.compare_digest(browser_hash(value), expected_hash)


def binds_by_cookie(request: Request, settings: GatewaySettings) -> bool:
    """Whether the browser asking keeps our cookie: a request of our own origin (a browser's POST says
    its Origin). A widget on another site's page gets none back (a cross-site, SameSite=Lax cookie),
    so its link is confirmed by a code typed into the conversation instead, like a chat's."""
    origin = request.headers.get("origin")
    ours = urlsplit(settings.public_url)
    return origin is None or origin == f"{ours.scheme}://{ours.netloc}"


def safe_return(settings: GatewaySettings, return_to: str | None) -> str | None:
    """Where the browser may be sent back to: a page of ours or of a portal that embeds the widget."""
    if not return_to:
        return None
    parts = urlsplit(return_to)
    origin = f"{parts.scheme}://{parts.netloc}"
    ours = urlsplit(settings.public_url)
    allowed = {*settings.origins, f"{ours.scheme}://{ours.netloc}"}
    return return_to if parts.scheme in ("http", "https") and origin in allowed else None


@router.post("/links")
async def login_link(request: Request, response: Response, core: Core = Depends(get_core),
                     x_conversation_token: str | None = Header(default=None)) -> dict:
    """A one-time login link for the widget's conversation (not for a kiosk: a shared screen), bound
    to the browser asking for it by an HttpOnly cookie."""
    conversation = browser_conversation(core, x_conversation_token)
    refusal = core.why_no_login(conversation.partition(":")[0])
    if refusal:
        raise HTTPException(503 if refusal == msg.LOGIN_OFF else 403, refusal)
    if not binds_by_cookie(request, core.settings):
        return {"url": await core.login_url(conversation)}
    value = request.cookies.get(BROWSER_COOKIE, "")
    if not re.fullmatch(r"[\w-]{43}", value):
        value = secrets.token_urlsafe(32)
    response.set_cookie(BROWSER_COOKIE, value, max_age=BROWSER_COOKIE_SECONDS, path="/auth", httponly=True,
                        samesite="lax", secure=request.url.scheme == "https" or core.settings.public_url.startswith("https://"))
    return {"url": await core.login_url(conversation, browser_hash(value))}


@router.get("/login/{link_id}", include_in_schema=False)
async def start_login(link_id: str, request: Request, return_to: str | None = None):
    party: StarletteOAuth2App | None = request.app.state.relying_party
    if party is None:
        return page(msg.LOGIN_OFF, 503)
    link = await run_in_threadpool(identities.take_login_link, link_id[:64])
    if link is None:
        return page(msg.LOGIN_LINK_USED, 410)
    if link["browser_hash"] and not same_browser(request, link["browser_hash"]):
        logger.warning("a login link opened in another browser than the one it was made for")
        return page(msg.LOGIN_OTHER_BROWSER, 403)
    settings: GatewaySettings = request.app.state.settings
    request.session[SESSION_KEY] = {"conversation": link["conversation_id"], "browser": link["browser_hash"],
                                    "return_to": safe_return(settings, return_to)}
    return await party.authorize_redirect(request, f"{settings.public_url}/auth/callback")


@router.get("/callback", include_in_schema=False)
async def finish_login(request: Request):
    party: StarletteOAuth2App | None = request.app.state.relying_party
    pending = request.session.pop(SESSION_KEY, None)
    if party is None or not pending:
        return page(msg.LOGIN_FAILED, 400)
    if pending.get("browser") and not same_browser(request, pending["browser"]):
        return page(msg.LOGIN_OTHER_BROWSER, 403)
    try:
        token = await party.authorize_access_token(request)
    except (OAuthError, JoseError) as exc:  # refused at the provider, or an ID token that does not verify
        logger.warning("login refused: %s", getattr(exc, "error", type(exc).__name__))
        return page(msg.LOGIN_FAILED, 400)
    claims = token.get("userinfo") or {}
    if not claims.get("sub"):
        return page(msg.LOGIN_FAILED, 400)
    citizen = citizen_id(signing_key(request.app.state.settings), claims["iss"], claims["sub"])
    if not pending.get("browser"):  # a chat's link: bound once the code is typed into that chat
        code = await run_in_threadpool(identities.await_confirmation, pending["conversation"], citizen)
        return page(msg.LOGIN_CONFIRM_IN_CHAT.format(code=code), return_to=pending["return_to"])
    await run_in_threadpool(identities.link, pending["conversation"], citizen)
    logger.info("a conversation signed in")
    if pending["return_to"]:
        return RedirectResponse(pending["return_to"], status_code=303)
    return page(msg.LOGIN_DONE)


def account(core: Core, signed_in: bool) -> dict:
    """What the widget shows: whether the conversation is signed in, and whether it could be."""
    return {"signed_in": signed_in, "login_available": bool(core.settings.oidc_issuer)}


@router.get("/me")
async def who_am_i(core: Core = Depends(get_core), x_conversation_token: str | None = Header(default=None)) -> dict:
    """Whether the widget's conversation is signed in (nothing about who: the page needs no more)."""
    conversation = browser_conversation(core, x_conversation_token)
    return account(core, await run_in_threadpool(identities.citizen_of, conversation) is not None)


@router.post("/logout")
async def logout(core: Core = Depends(get_core), x_conversation_token: str | None = Header(default=None)) -> dict:
    conversation = browser_conversation(core, x_conversation_token)
    await run_in_threadpool(identities.unlink, conversation)
    return account(core, signed_in=False)
