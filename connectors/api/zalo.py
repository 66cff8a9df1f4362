"""Zalo OA webhook: verify the signature on the raw body (an unsigned body is never parsed), answer
200 at once, process in the background."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends, Header, HTTPException, Request

from connectors.core import Core, get_core
from connectors.zalo import MalformedEvent, ZaloConfig, handle_event, parse_event, signed, verify

router = APIRouter(tags=["zalo"])


@router.post("/webhooks/zalo")
async def zalo_webhook(
    request: Request, background: BackgroundTasks, x_zevent_signature: str | None = Header(default=None),
    core: Core = Depends(get_core),
) -> dict[str, str]:
    config = ZaloConfig.from_settings(core.settings)
    if config is None:
        raise HTTPException(404, "Zalo channel not configured")
    body = await request.body()
    if not signed(config, body, x_zevent_signature):  # first, as Telegram's route checks its secret first
        raise HTTPException(401, "Invalid or stale signature")
    try:
        event = parse_event(body)
    except MalformedEvent:
        raise HTTPException(400, "Not a Zalo event") from None
    if not verify(config, event, body, x_zevent_signature):
        raise HTTPException(401, "Invalid or stale signature")
    background.add_task(handle_event, core, config, event)
    return {"status": "ok"}
