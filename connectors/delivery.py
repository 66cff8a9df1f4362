"""Officer replies pushed to the citizen at once through the channel the citizen wrote from.

Telegram and Zalo users get them through the platform's API as soon as the officer sends them;
REST clients (widget, kiosk) poll the outbox with their conversation token, or get them with their
next reply.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from telegram import Bot

from connectors.core import Core, officer_replies
from connectors.turn import Reply
from connectors.zalo import ZaloClient, ZaloConfig
from storage import handover

logger = logging.getLogger(__name__)
PUSH_CHANNELS = ("telegram", "zalo")


async def push_officer_replies(core: Core, queued: dict[str, Any], telegram_bot: Bot | None) -> int:
    """Send the officer messages waiting for a handed-over Telegram or Zalo citizen; how many went.
    Messages stay queued when the channel is not configured (they go with the citizen's next reply)."""
    channel, _, user_id = queued["sender_id"].partition(":")
    if channel not in PUSH_CHANNELS:
        return 0
    zalo = ZaloConfig.from_settings(core.settings)
    if channel == "zalo" and zalo is None:
        return 0
    token = core.settings.telegram_bot_token.get_secret_value()
    if channel == "telegram" and telegram_bot is None and not token:
        return 0
    replies: list[Reply] = await run_in_threadpool(officer_replies, queued["sender_id"])
    delivered: list[Reply] = []
    try:
        if channel == "zalo":
            client = ZaloClient(zalo, core.http)
            await _send_each(replies, lambda reply: client.send(user_id, reply), delivered)
        elif telegram_bot is not None:
            await _send_each(replies, lambda reply: telegram_bot.send_message(int(user_id), reply.text), delivered)
        else:  # polling mode runs elsewhere: a Bot of our own for this push
            base = core.settings.telegram_api_base
            async with Bot(token, base_url=base) if base else Bot(token) as bot:
                await _send_each(replies, lambda reply: bot.send_message(int(user_id), reply.text), delivered)
    except Exception as exc:  # the platform is unreachable: keep the rest for the citizen's next message
        kept = replies[len(delivered):]
        logger.warning("push to %s failed (%s); %d message(s) kept", channel, type(exc).__name__, len(kept))
        await run_in_threadpool(handover.requeue_outbox, queued["sender_id"], [r.text for r in kept])
    return len(delivered)


async def _send_each(replies: list[Reply], send: Callable[[Reply], Awaitable[object]], delivered: list[Reply]) -> None:
    """Send one by one, noting each delivered, so a failure keeps exactly the undelivered ones."""
    for reply in replies:
        await send(reply)
        delivered.append(reply)
