"""Zalo OA webhook: verify the signature, answer 200 at once, process in the background."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends, Header, HTTPException, Request

from connectors.core import Core, get_core
from connectors.zalo import ZaloConfig, handle_event, verify

router = APIRouter(tags=["zalo"])


@router.post("/webhooks/zalo")
async def zalo_webhook(
    request: Request, background: BackgroundTasks, x_zevent_signature: str | None = Header(default=None),
    core: Core = Depends(get_core),
) -> dict[str, str]:
    config = ZaloConfig.from_settings(core.settings)
    if config is None:
        raise HTTPException(404, "Zalo channel not configured")
    event = verify(config, await request.body(), x_zevent_signature)
    if event is None:
        raise HTTPException(401, "Invalid or stale signature")
    background.add_task(handle_event, core, config, event)
    return {"status": "ok"}
