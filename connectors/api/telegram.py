"""Telegram webhook: verify Telegram's secret-token header, queue the update for the Application."""

from __future__ import annotations

import hmac
import json

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from telegram import Update

from connectors.settings import GatewaySettings, get_settings
from connectors.telegram import well_formed

router = APIRouter(tags=["telegram"])


@router.post("/webhooks/telegram")
async def telegram_webhook(
    request: Request,
    x_telegram_bot_api_secret_token: str | None = Header(default=None),
    settings: GatewaySettings = Depends(get_settings),
) -> dict[str, bool]:
    application = getattr(request.app.state, "telegram", None)
    if application is None:
        raise HTTPException(404, "Telegram channel not configured")
    expected = settings.telegram_secret_token.get_secret_value()
    if not expected or not hmac.compare_digest((x_telegram_bot_api_secret_token or "").encode(), expected.encode()):
        raise HTTPException(403, "Invalid secret token")
    try:
        update = Update.de_json(json.loads(await request.body()), application.bot)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):  # RecursionError: JSON nested too deep
        raise HTTPException(400, "Not a Telegram update") from None
    if update is None or not well_formed(update):
        raise HTTPException(400, "Not a Telegram update")
    await application.update_queue.put(update)  # answered at once; processed by the Application
    return {"ok": True}
