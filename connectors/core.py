"""The channel-neutral middle: clean a citizen's message and ask the Rasa core.

Every channel adapter calls ``ask_core``; nothing here knows any channel's wire format.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

import httpx
from starlette.concurrency import run_in_threadpool

from connectors import messages as msg
from connectors.settings import settings
from dossiers import store

logger = logging.getLogger(__name__)

_TAG_RE = re.compile(r"<[^>]*>")
_SCRIPT_RE = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)


def clean_text(text: str) -> str:
    """Strip HTML tags and control characters; collapse white space."""
    text = _TAG_RE.sub(" ", _SCRIPT_RE.sub(" ", text or ""))
    text = html.unescape(text)
    text = "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in text)
    return " ".join(text.split())


def local_reply(text: str) -> str | None:
    """A reply the gateway gives itself for input the core should never see, else None."""
    if not text:
        return msg.EMPTY_MESSAGE
    if len(text) > settings.max_message_chars:
        return msg.TOO_LONG.format(length=len(text), limit=settings.max_message_chars)
    if not re.search(r"\w", text):
        return msg.NO_TEXT  # emoji or punctuation only
    return None


def officer_messages(sender: str) -> list[dict[str, Any]]:
    """Officer replies waiting for this citizen, in the REST-channel shape."""
    return [{"recipient_id": sender, "text": text, "custom": {"author": "officer"}} for text in store.take_outbox(sender)]


async def ask_core(sender: str, text: str, client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Responses for one citizen message: from an officer while one serves the conversation,
    else from the Rasa core (an apology if it fails or is slow)."""
    cleaned = clean_text(text)
    reply = local_reply(cleaned)
    if reply is not None:
        return [{"recipient_id": sender, "text": reply}]
    handover = await run_in_threadpool(store.active_handover, sender)
    if handover:
        await run_in_threadpool(store.add_transcript, handover["id"], "citizen", cleaned)
        if handover["status"] == "active":
            # An officer is serving this conversation: the bot stays silent.
            return await run_in_threadpool(officer_messages, sender)
    replies = await ask_rasa(sender, cleaned, client)
    if handover:
        for r in replies:
            if r.get("text"):
                await run_in_threadpool(store.add_transcript, handover["id"], "bot", r["text"])
    return await run_in_threadpool(officer_messages, sender) + replies


async def ask_rasa(sender: str, cleaned: str, client: httpx.AsyncClient) -> list[dict[str, Any]]:
    try:
        response = await client.post(
            f"{settings.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": cleaned},
            timeout=settings.core_timeout_s,
        )
        response.raise_for_status()
        replies = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        logger.warning("core unavailable: %s", type(exc).__name__)
        return [{"recipient_id": sender, "text": msg.CORE_UNAVAILABLE}]
    if not replies:
        # Rasa answers nothing when a custom action failed (e.g. the action server is down).
        logger.warning("core returned no reply")
        return [{"recipient_id": sender, "text": msg.CORE_UNAVAILABLE}]
    return replies
