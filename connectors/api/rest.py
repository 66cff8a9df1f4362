"""Rasa's REST-channel contract, served by the gateway and forwarded to the core.

Browser clients first ask for a conversation (``POST /webhooks/rest/conversations``) and send its
token in ``X-Conversation-Token``; clients without a token chat anonymously (see ``conversations``).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from connectors import messages as msg
from connectors.conversations import channel_of, conversation_of, new_conversation, signing_key
from connectors.core import Core, get_core, officer_replies
from connectors.ratelimit import limit_client_address
from connectors.turn import Inbound, to_rest
from storage import handover as queue

router = APIRouter(tags=["rest"], dependencies=[Depends(limit_client_address)])


class RestMessage(BaseModel):
    sender: str = Field(min_length=1, max_length=128, description="conversation id (the one issued with the token)")
    message: str = Field(default="", max_length=200_000)


class RestReply(BaseModel):
    recipient_id: str
    text: str | None = None
    buttons: list[dict[str, Any]] | None = None
    image: str | None = None
    custom: dict[str, Any] | None = None


class Conversation(BaseModel):
    sender: str
    token: str


class NewConversation(BaseModel):
    device: Literal["web", "kiosk"] = "web"


def bound_conversation(core: Core, token: str | None) -> str | None:
    """The conversation a token belongs to (None without a token); 401 for a token that is not ours or
    has expired."""
    if token is None:
        return None
    conversation_id = conversation_of(core.settings, token)
    if conversation_id is None:
        raise HTTPException(401, msg.CONVERSATION_EXPIRED)
    return conversation_id


def browser_conversation(core: Core, token: str | None) -> str:
    """The core's id of a token-bound browser conversation (``web:…``/``kiosk:…``); 401 without one."""
    conversation_id = bound_conversation(core, token)
    if conversation_id is None:
        raise HTTPException(401, msg.CONVERSATION_EXPIRED)
    return Inbound(channel_of(conversation_id), conversation_id).conversation_id


@router.post("/webhooks/rest/conversations", response_model=Conversation)
async def start_conversation(body: NewConversation | None = None, core: Core = Depends(get_core)) -> dict[str, str]:
    """A new conversation for a browser client: its id (send it as ``sender``) and its token."""
    sender, token = new_conversation(signing_key(core.settings), kiosk=bool(body and body.device == "kiosk"))
    return {"sender": sender, "token": token}


@router.post("/webhooks/rest/webhook", response_model=list[RestReply], response_model_exclude_none=True)
async def rest_webhook(
    body: RestMessage, request: Request, core: Core = Depends(get_core),
    x_conversation_token: str | None = Header(default=None),
) -> list[dict[str, Any]]:
    conversation_id = bound_conversation(core, x_conversation_token)
    if conversation_id is not None and conversation_id != body.sender:
        raise HTTPException(403, msg.CONVERSATION_MISMATCH)
    client = request.client.host if request.client else "unknown"  # as the per-address limit sees it
    if conversation_id:
        inbound = Inbound(channel_of(conversation_id), conversation_id, body.message, client=client)
    else:
        inbound = Inbound("rest", body.sender, body.message, client=client)
    return to_rest(body.sender, await core.ask(inbound))


@router.get("/webhooks/rest/outbox", response_model=list[RestReply], response_model_exclude_none=True)
async def rest_outbox(
    core: Core = Depends(get_core), x_conversation_token: str | None = Header(default=None)
) -> list[dict[str, Any]]:
    """Officer replies for the token's conversation, for clients that poll between messages.
    Without a token there is nothing to poll: anonymous conversations get them with their next reply."""
    conversation = browser_conversation(core, x_conversation_token)
    replies = await run_in_threadpool(officer_replies, conversation)
    return to_rest(conversation.partition(":")[2], replies)


class HandoverState(BaseModel):
    status: Literal["none", "waiting", "active"]
    ahead: int = Field(default=0, description="conversations waiting longer than this one (while waiting)")


@router.get("/webhooks/rest/handover", response_model=HandoverState)
async def rest_handover(
    core: Core = Depends(get_core), x_conversation_token: str | None = Header(default=None)
) -> dict[str, Any]:
    """Whether the token's conversation waits for an officer (and behind how many) or is served by one,
    for the widget to show; an officer's replies come through the outbox."""
    conversation = browser_conversation(core, x_conversation_token)
    handover = await run_in_threadpool(queue.active_handover, conversation)
    if handover is None:
        return {"status": "none"}
    if handover["status"] != "waiting":
        return {"status": "active"}
    return {"status": "waiting", "ahead": await run_in_threadpool(queue.waiting_ahead, handover["id"])}
