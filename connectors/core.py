"""The channel-neutral middle: clean a citizen's message and ask the Rasa core.

Every channel adapter calls ``Core.ask(Inbound)``; nothing here knows any channel's wire format.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import zlib
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import Request
from starlette.concurrency import run_in_threadpool

from bot.vietnamese import clean_text
from connectors import messages as msg
from connectors.conversations import signing_key
from connectors.ratelimit import RateLimits
from connectors.settings import GatewaySettings
from connectors.turn import Button, Inbound, Reply, from_rasa
from dossiers.retention import ERASE_MARK, erase_conversation
from storage import handover, identities

logger = logging.getLogger(__name__)
# Where a login can be bound to the conversation: a gateway-issued browser conversation or a verified
# chat. Not a kiosk (a shared screen) nor an anonymous REST sender (any client may name it).
LOGIN_CHANNELS = ("web", "telegram", "zalo")

# A worker that refused the connection or dropped it without a word is dead (a kept-alive connection to
# a killed worker fails on read): its neighbour takes the turn. A timeout is not among them — the slow
# worker may still be running the turn, and running it twice would answer (and record) it twice.
# Rasa's only input channel (bot/channel.py, registered in bot/credentials.yml): its REST contract,
# refused (401) without the Rasa token in this header.
RASA_CHANNEL_PATH = "/webhooks/gateway/webhook"
RASA_CHANNEL_HEADER = "X-Gateway-Token"

# While an officer serves a conversation, the bot still answers the citizen's request to erase their data
# (the intent of bot/domain.yml) and the yes/no to its confirmation question.
ERASURE_INTENT = "delete_profile"
CONFIRMATION_INTENTS = ("affirm", "deny")

# The key of the message's metadata the gateway puts the (keyed) client address in (actions/handover.py).
CLIENT_METADATA = "client"

WORKER_GONE = (httpx.ConnectError, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


def worker_order(conversation: str, workers: list[str]) -> list[str]:
    """The Rasa workers of this node to try for a conversation, its own first. Always the same one
    while it is up: each worker has its own (in-memory) lock store, so one conversation's turns must
    not run in two workers at once. The others share its tracker store and stand in while it restarts."""
    own = zlib.crc32(conversation.encode()) % len(workers)
    return workers[own:] + workers[:own]


def officer_replies(conversation_id: str) -> list[Reply]:
    """Officer messages waiting for this citizen (marked delivered)."""
    return [Reply(text=text, author="officer") for text in handover.take_outbox(conversation_id)]


@dataclass
class Core:
    """The way to the Rasa core, shared by every channel of one gateway process."""

    settings: GatewaySettings
    http: httpx.AsyncClient
    limits: RateLimits = field(init=False)

    def __post_init__(self) -> None:
        self.limits = RateLimits(self.settings)

    def local_reply(self, text: str) -> str | None:
        """A reply the gateway gives itself for input the core should never see, else None."""
        if not text:
            return msg.EMPTY_MESSAGE
        if len(text) > self.settings.max_message_chars:
            return msg.TOO_LONG.format(length=len(text), limit=self.settings.max_message_chars)
        if not re.search(r"\w", text):
            return msg.NO_TEXT  # emoji or punctuation only
        return None

    async def ask(self, inbound: Inbound) -> list[Reply]:
        """Replies to one citizen message: from an officer while one serves the conversation,
        else from the Rasa core (an apology if it fails or is slow)."""
        conversation = inbound.conversation_id
        cleaned = inbound.payload or clean_text(inbound.text)
        reply = self.local_reply(cleaned)
        if reply is not None:
            return [Reply(text=reply)]
        if not self.limits.conversation_allowed(conversation):
            return [Reply(text=msg.RATE_LIMITED)]
        confirmation = await self.confirm_login(conversation, None if inbound.payload else cleaned)
        if confirmation is not None:
            return [Reply(text=confirmation)]
        queued = await run_in_threadpool(handover.active_handover, conversation)
        if queued:
            await run_in_threadpool(handover.add_transcript, queued["id"], "citizen", cleaned)
            if queued["status"] == "active" and not await self.about_erasure(conversation, cleaned):
                # An officer is serving this conversation: the bot stays silent.
                return await run_in_threadpool(officer_replies, conversation)
        replies, erase = await self.ask_rasa(inbound.channel, conversation, cleaned, client=inbound.client)
        if queued and not erase:
            for r in replies:
                if r.text:
                    await run_in_threadpool(handover.add_transcript, queued["id"], "bot", r.text)
        if erase:  # the citizen confirmed "xóa thông tin của tôi"; Rasa has saved the turn, so nothing comes back
            await run_in_threadpool(erase_conversation, conversation)
            return replies
        replies = await self.offer_login(inbound.channel, conversation, replies)
        return await run_in_threadpool(officer_replies, conversation) + replies

    async def about_erasure(self, conversation: str, text: str) -> bool:
        """Whether a message sent while an officer serves the conversation asks to erase the citizen's
        data ("xóa thông tin của tôi", the "Xóa hết" button), or answers yes/no to the bot's question to
        confirm that: those turns still go to the bot, which alone erases. Rasa's NLU says which."""
        parsed = await self.rasa_api(conversation, "POST", "/model/parse", json={"text": text})
        intent = ((parsed or {}).get("intent") or {}).get("name")
        if intent == ERASURE_INTENT:
            return True
        if intent not in CONFIRMATION_INTENTS:
            return False
        # Rasa takes the id from the path as it is (a quoted ":" would name another conversation).
        tracker = await self.rasa_api(conversation, "GET", f"/conversations/{quote(conversation, safe='/:')}/tracker",
                                      params={"include_events": "NONE"})
        return bool(((tracker or {}).get("slots") or {}).get("delete_pending"))

    async def rasa_api(self, conversation: str, method: str, path: str, **kwargs: Any) -> dict[str, Any] | None:
        """A call to Rasa's HTTP API (its token as ``token``) on the conversation's worker; None if it fails."""
        params = {**kwargs.pop("params", {}), "token": self.settings.rasa_auth_token.get_secret_value()}
        url = worker_order(conversation, self.settings.rasa_urls)[0]
        try:
            response = await self.http.request(method, f"{url}{path}", params=params,
                                               timeout=self.settings.core_timeout_s, **kwargs)
            response.raise_for_status()
            answer = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("Rasa API %s unavailable: %s", path.split("/")[1], type(exc).__name__)
            return None
        return answer if isinstance(answer, dict) else None

    def why_no_login(self, channel: str) -> str | None:
        """Why this channel's conversations cannot sign in here, or None when they can."""
        if not self.settings.oidc_issuer:
            return msg.LOGIN_OFF
        return None if channel in LOGIN_CHANNELS else msg.LOGIN_NOT_HERE

    async def login_url(self, conversation: str, browser_hash: str | None = None) -> str:
        """A one-time login link for this conversation (``/auth/login/{link}``): bound to the browser
        whose cookie hashes to ``browser_hash``, or else to be confirmed by a code typed into the chat."""
        link = await run_in_threadpool(identities.new_login_link, conversation, browser_hash)
        return f"{self.settings.public_url}/auth/login/{link}"

    async def confirm_login(self, conversation: str, text: str | None) -> str | None:
        """The answer to a login's one-time code typed into the chat, or None for any other message."""
        code = re.sub(r"\s", "", text or "")
        if not re.fullmatch(rf"\d{{{identities.CODE_DIGITS}}}", code):
            return None
        confirmed = await run_in_threadpool(identities.confirm, conversation, code)
        if confirmed is None:  # no sign-in waits for a code here: an ordinary number for the core
            return None
        return msg.LOGIN_CONFIRMED if confirmed else msg.LOGIN_CODE_WRONG

    async def offer_login(self, channel: str, conversation: str, replies: list[Reply]) -> list[Reply]:
        """A reply that offers a login gets a one-time login link for this conversation, or says why
        there is none here."""
        if not any(r.offers_login for r in replies):
            return replies
        note = self.why_no_login(channel)
        if note == msg.LOGIN_OFF:  # no sign-in anywhere here: say so plainly, not "the button below"
            return [replace(r, text=msg.LOGIN_UNAVAILABLE) if r.offers_login else r for r in replies]
        if note:
            return [replace(r, text=f"{r.text}\n{note}") if r.offers_login else r for r in replies]
        button = Button(msg.LOGIN_BUTTON, url=await self.login_url(conversation))
        return [replace(r, buttons=[*r.buttons, button]) if r.offers_login else r for r in replies]

    async def post_to_rasa(self, conversation: str, body: dict[str, Any]) -> httpx.Response:
        workers = worker_order(conversation, self.settings.rasa_urls)
        # Rasa's channel (bot/channel.py) answers only requests carrying the secret it shares with us.
        headers = {RASA_CHANNEL_HEADER: self.settings.rasa_auth_token.get_secret_value()}
        for url in workers[:-1]:
            try:
                return await self.http.post(f"{url}{RASA_CHANNEL_PATH}", json=body, headers=headers,
                                            timeout=self.settings.core_timeout_s)
            except WORKER_GONE as exc:
                logger.warning("Rasa worker %s gone (%s), trying the next", url, type(exc).__name__)
        return await self.http.post(f"{workers[-1]}{RASA_CHANNEL_PATH}", json=body, headers=headers,
                                    timeout=self.settings.core_timeout_s)

    def client_key(self, address: str) -> str:
        """A client address as the core may keep it: keyed (``CONVERSATION_SECRET``), so neither the
        tracker store nor the queue holds the address, and equal for equal addresses."""
        return hmac.new(signing_key(self.settings), b"client:" + address.encode(), hashlib.sha256).hexdigest()[:32]

    async def ask_rasa(self, channel: str, conversation: str, text: str,
                       client: str | None = None) -> tuple[list[Reply], bool]:
        """The core's replies, and whether it asks for the conversation to be erased everywhere. The
        client's address goes with the message, keyed, as ``metadata.client`` (set here, never by the
        client): the actions cap the officers' queue per client with it."""
        body: dict[str, Any] = {"sender": conversation, "message": text, "input_channel": channel}
        if client:
            body["metadata"] = {CLIENT_METADATA: self.client_key(client)}
        try:
            response = await self.post_to_rasa(conversation, body)
            response.raise_for_status()
            messages: list[dict[str, Any]] = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("core unavailable: %s", type(exc).__name__)
            return [Reply(text=msg.CORE_UNAVAILABLE)], False
        if not messages:
            # Rasa answers nothing when a custom action failed (e.g. the action server is down).
            logger.warning("core returned no reply")
            return [Reply(text=msg.CORE_UNAVAILABLE)], False
        erase = any((m.get("custom") or {}).get(ERASE_MARK) for m in messages)
        return from_rasa(messages), erase


def get_core(request: Request) -> Core:
    return request.app.state.core
