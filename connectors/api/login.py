"""Citizen login: the gateway as an OpenID Connect relying party (authorization code + PKCE, Authlib).

A login always starts from a one-time link issued to one conversation (``storage.identities``):
- the widget asks ``POST /auth/links`` with its conversation token; in Telegram and Zalo the bot's
  "đăng nhập" reply carries a link the gateway made for that verified chat;
- ``GET /auth/login/{link}`` spends the link and redirects to the provider; the flow's state, nonce
  and PKCE verifier wait in a short-lived signed cookie, so any replica can finish the login;
- ``GET /auth/callback`` has Authlib check the ID token (signature against the provider's JWKS,
  issuer, audience, nonce) and binds the conversation to the citizen.
The citizen is known by an HMAC of (issuer, subject) under the gateway's key: a national identity
account's subject may be a personal number, so it is never stored as such.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
from urllib.parse import urlsplit

from authlib.integrations.starlette_client import OAuth, OAuthError, StarletteOAuth2App
from fastapi import APIRouter, Depends, Header, HTTPException, Request
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


def page(text: str, status_code: int = 200) -> HTMLResponse:
    """A plain page for the browser tab the login happens in."""
    return HTMLResponse(
        f'<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>Đăng nhập — Trợ lý ảo Dịch vụ công</title><p>{html.escape(text)}</p></html>",
        status_code=status_code,
    )


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
async def login_link(core: Core = Depends(get_core), x_conversation_token: str | None = Header(default=None)) -> dict:
    """A one-time login link for the widget's conversation (not for a kiosk: a shared screen)."""
    conversation = browser_conversation(core, x_conversation_token)
    refusal = core.why_no_login(conversation.partition(":")[0])
    if refusal:
        raise HTTPException(503 if refusal == msg.LOGIN_OFF else 403, refusal)
    return {"url": await core.login_url(conversation)}


@router.get("/login/{link_id}", include_in_schema=False)
async def start_login(link_id: str, request: Request, return_to: str | None = None):
    party: StarletteOAuth2App | None = request.app.state.relying_party
    if party is None:
        return page(msg.LOGIN_OFF, 503)
    conversation = await run_in_threadpool(identities.take_login_link, link_id[:64])
    if conversation is None:
        return page(msg.LOGIN_LINK_USED, 410)
    settings: GatewaySettings = request.app.state.settings
    request.session[SESSION_KEY] = {"conversation": conversation, "return_to": safe_return(settings, return_to)}
    return await party.authorize_redirect(request, f"{settings.public_url}/auth/callback")


@router.get("/callback", include_in_schema=False)
async def finish_login(request: Request):
    party: StarletteOAuth2App | None = request.app.state.relying_party
    pending = request.session.pop(SESSION_KEY, None)
    if party is None or not pending:
        return page(msg.LOGIN_FAILED, 400)
    try:
        token = await party.authorize_access_token(request)
    except (OAuthError, JoseError) as exc:  # refused at the provider, or an ID token that does not verify
        logger.warning("login refused: %s", getattr(exc, "error", type(exc).__name__))
        return page(msg.LOGIN_FAILED, 400)
    claims = token.get("userinfo") or {}
    if not claims.get("sub"):
        return page(msg.LOGIN_FAILED, 400)
    citizen = citizen_id(signing_key(request.app.state.settings), claims["iss"], claims["sub"])
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
