"""Telegram webhook: verify Telegram's secret-token header, queue the update for the Application."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from telegram import Update

from connectors.settings import GatewaySettings, get_settings

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
    update = Update.de_json(await request.json(), application.bot)
    await application.update_queue.put(update)  # answered at once; processed by the Application
    return {"ok": True}
