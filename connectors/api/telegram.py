"""Telegram webhook: verify Telegram's secret-token header, queue the update for the Application."""

from __future__ import annotations

import hmac
import os

from fastapi import APIRouter, Header, HTTPException, Request
from telegram import Update

router = APIRouter(tags=["telegram"])


@router.post("/webhooks/telegram")
async def telegram_webhook(
    request: Request, x_telegram_bot_api_secret_token: str | None = Header(default=None)
) -> dict[str, bool]:
    application = getattr(request.app.state, "telegram", None)
    if application is None:
        raise HTTPException(404, "Telegram channel not configured")
    expected = os.environ.get("TELEGRAM_SECRET_TOKEN", "")
    if not expected or not hmac.compare_digest((x_telegram_bot_api_secret_token or "").encode(), expected.encode()):
        raise HTTPException(403, "Invalid secret token")
    update = Update.de_json(await request.json(), application.bot)
    await application.update_queue.put(update)  # answered at once; processed by the Application
    return {"ok": True}
