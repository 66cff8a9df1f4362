"""Zalo Official Account channel: verify events, reply through OA API v3, refresh OAuth v4 tokens.

A thin client of our own on httpx (there is no maintained official Python SDK).
Wire facts: incoming ``user_send_text`` events carry ``app_id, sender.id, recipient.id,
message.text, message.msg_id, timestamp``; header ``X-ZEvent-Signature: mac=<hex>`` with
mac = SHA-256(app_id + raw body + timestamp + OA secret key). Refresh tokens are single-use.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from typing import Any
from urllib.parse import urljoin

import httpx
from starlette.concurrency import run_in_threadpool

from connectors.core import Core
from connectors.settings import GatewaySettings
from connectors.turn import Inbound, Reply
from storage import channels
from storage.db import now

logger = logging.getLogger(__name__)

CHANNEL = "zalo"
USER_TEXT = "user_send_text"
# Wire limits of an OA API v3 message with a button template.
MAX_BUTTONS = 5
MAX_BUTTON_TITLE = 100
MAX_BUTTON_PAYLOAD = 1000
# Outside the 7-day / 48-hour reply windows: retrying cannot succeed.
NO_RETRY_ERRORS = {-230, -234}
TOKEN_INVALID_ERRORS = {-216, -124}


@dataclass(frozen=True)
class ZaloConfig:
    app_id: str
    secret_key: str  # OA secret key: signs webhook events
    app_secret: str  # app secret: authenticates token refreshes
    api_base: str
    oauth_base: str
    max_skew_s: int
    public_url: str  # links in Zalo messages must be absolute: the gateway's public address
    initial_access_token: str  # the operator's first token pair; later pairs live in the store
    initial_refresh_token: str

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> ZaloConfig | None:
        if not settings.zalo_app_id:
            return None
        return cls(
            app_id=settings.zalo_app_id,
            secret_key=settings.zalo_oa_secret_key.get_secret_value(),
            app_secret=settings.zalo_app_secret.get_secret_value(),
            api_base=settings.zalo_api_base,
            oauth_base=settings.zalo_oauth_base,
            max_skew_s=settings.zalo_max_event_age_s,
            public_url=settings.public_url,
            initial_access_token=settings.zalo_access_token.get_secret_value(),
            initial_refresh_token=settings.zalo_refresh_token.get_secret_value(),
        )


def signature(app_id: str, body: bytes, timestamp: str, secret_key: str) -> str:
    return hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret_key.encode()).hexdigest()


# The timestamp a body was signed with, read from the raw bytes (a JSON string's content or a bare
# token) so that the signature is checked before the body is parsed: an unsigned body is never parsed.
_RAW_TIMESTAMP_RE = re.compile(rb'"timestamp"\s*:\s*(?:"([^"\\]{1,40})"|([^\s,}\]"]{1,40}))')
_TIMESTAMPS_TRIED = 4


def mac_of(header: str | None) -> str:
    """The signature of ``X-ZEvent-Signature: mac=…``."""
    return (header or "").removeprefix("mac=").strip()


def signed(config: ZaloConfig, body: bytes, header: str | None) -> bool:
    """Whether the raw ``body`` carries our OA's signature under one of the timestamps it names (read
    without parsing it). Freshness and the app id are checked on the parsed event (``verify``)."""
    mac = mac_of(header)
    if not mac:
        return False
    for found in islice(_RAW_TIMESTAMP_RE.finditer(body), _TIMESTAMPS_TRIED):
        timestamp = (found.group(1) or found.group(2)).decode("utf-8", "replace")
        if hmac.compare_digest(mac.encode(), signature(config.app_id, body, timestamp, config.secret_key).encode()):
            return True
    return False


class MalformedEvent(ValueError):
    """The body is not a Zalo event (answered 400, never 500)."""


def parse_event(body: bytes) -> dict[str, Any]:
    """The event in ``body``: a JSON object with an integer timestamp (ms) and, for a message, its
    sender's id; else ``MalformedEvent``."""
    try:
        event = json.loads(body)
        timestamp = event["timestamp"]  # milliseconds, an integer (a number or its digits), never 1.7e12
        if not (type(timestamp) is int or (isinstance(timestamp, str) and timestamp.isascii() and timestamp.isdigit())):
            raise ValueError("timestamp")
        if event.get("event_name") == USER_TEXT:
            str(event["sender"]["id"])
            event["message"].get("text")
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:  # RecursionError: "[[[[…"
        raise MalformedEvent(type(exc).__name__) from exc
    return event


def verify(config: ZaloConfig, event: dict[str, Any], body: bytes, header: str | None) -> bool:
    """Whether the event was signed by our OA and is fresh (not a replay)."""
    timestamp = str(event["timestamp"])
    mac = mac_of(header)
    expected = signature(str(event.get("app_id", "")), body, timestamp, config.secret_key)
    if str(event.get("app_id")) != config.app_id or not hmac.compare_digest(mac.encode(), expected.encode()):
        return False
    return abs(time.time() - int(timestamp) / 1000) <= config.max_skew_s


def dedupe_key(event: dict[str, Any]) -> str:
    """Zalo retries an event with the same ``msg_id``; without one, the event's content identifies it."""
    msg_id = (event.get("message") or {}).get("msg_id")
    content = json.dumps(event, sort_keys=True, ensure_ascii=False).encode()
    return f"{CHANNEL}:{msg_id or hashlib.sha256(content).hexdigest()[:32]}"


def message_body(user_id: str, reply: Reply, public_url: str) -> dict[str, Any]:
    """OA API v3 message: text, with buttons as a template that sends their payload back (or opens a link)."""
    message: dict[str, Any] = {"text": reply.text}
    if reply.document:
        link = urljoin(public_url + "/", reply.document.url)
        message["text"] = f"{reply.text}\n{reply.document.filename}: {link}".strip()
    if reply.buttons:
        message["attachment"] = {
            "type": "template",
            "payload": {"buttons": [
                {"title": b.title[:MAX_BUTTON_TITLE], "type": "oa.open.url", "payload": {"url": b.url}} if b.url else
                {"title": b.title[:MAX_BUTTON_TITLE], "type": "oa.query.show", "payload": b.payload[:MAX_BUTTON_PAYLOAD]}
                for b in reply.buttons[:MAX_BUTTONS]
            ]},
        }
    return {"recipient": {"user_id": user_id}, "message": message}


class ZaloClient:
    def __init__(self, config: ZaloConfig, http: httpx.AsyncClient) -> None:
        self.config = config
        self.http = http

    async def access_token(self) -> str:
        tokens = await run_in_threadpool(channels.get_tokens, CHANNEL)
        if tokens is None:
            await run_in_threadpool(
                channels.seed_tokens, CHANNEL, self.config.initial_access_token, self.config.initial_refresh_token
            )
            tokens = await run_in_threadpool(channels.get_tokens, CHANNEL)
        return tokens["access_token"]

    async def refresh(self) -> str:
        """Trade the stored single-use refresh token for a new pair and persist both atomically."""
        tokens = await run_in_threadpool(channels.get_tokens, CHANNEL)
        old_refresh = tokens["refresh_token"]
        response = await self.http.post(
            f"{self.config.oauth_base}/v4/oa/access_token",
            headers={"secret_key": self.config.app_secret},
            data={"refresh_token": old_refresh, "app_id": self.config.app_id, "grant_type": "refresh_token"},
            timeout=10,
        )
        body = response.json()
        if "access_token" not in body:
            # Another replica may have refreshed with the same token a moment ago.
            latest = await run_in_threadpool(channels.get_tokens, CHANNEL)
            if latest and latest["refresh_token"] != old_refresh:
                return latest["access_token"]
            raise RuntimeError(f"Zalo token refresh failed: {body.get('error')}")
        expires = now() + timedelta(seconds=int(body.get("expires_in", 3600)))
        await run_in_threadpool(
            channels.swap_tokens, CHANNEL, old_refresh, body["access_token"], body["refresh_token"], expires
        )
        return body["access_token"]

    async def send(self, user_id: str, reply: Reply) -> None:
        token = await self.access_token()
        for attempt in range(2):
            response = await self.http.post(
                f"{self.config.api_base}/v3.0/oa/message/cs",
                headers={"access_token": token}, json=message_body(user_id, reply, self.config.public_url), timeout=10,
            )
            error = int(response.json().get("error", 0))
            if error == 0:
                return
            if error in NO_RETRY_ERRORS:
                logger.info("Zalo: outside the reply window (error %s); not retrying", error)
                return
            if error in TOKEN_INVALID_ERRORS and attempt == 0:
                token = await self.refresh()
                continue
            logger.warning("Zalo send failed with error %s", error)
            return


async def handle_event(core: Core, config: ZaloConfig, event: dict[str, Any]) -> None:
    """Process one verified event in the background: ask the core, reply through the OA API."""
    if event.get("event_name") != USER_TEXT:
        return  # the OA's own echoes (oa_send_*) and other events are not questions
    user_id = str(event["sender"]["id"])
    message = event.get("message") or {}
    if not await run_in_threadpool(channels.first_time, dedupe_key(event)):
        return  # Zalo retried an event we already handled
    client = ZaloClient(config, core.http)
    for reply in await core.ask(Inbound(CHANNEL, user_id, message.get("text") or "")):
        if reply.text or reply.document:
            await client.send(user_id, reply)
