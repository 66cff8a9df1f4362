"""Rasa's REST-channel contract, served by the gateway and forwarded to the core."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from connectors.core import Core, get_core, officer_replies
from connectors.turn import Inbound, to_rest

router = APIRouter(tags=["rest"])


class RestMessage(BaseModel):
    sender: str = Field(min_length=1, max_length=128, description="conversation id chosen by the client")
    message: str = Field(default="", max_length=200_000)


class RestReply(BaseModel):
    recipient_id: str
    text: str | None = None
    buttons: list[dict[str, Any]] | None = None
    image: str | None = None
    custom: dict[str, Any] | None = None


@router.post("/webhooks/rest/webhook", response_model=list[RestReply], response_model_exclude_none=True)
async def rest_webhook(body: RestMessage, core: Core = Depends(get_core)) -> list[dict[str, Any]]:
    replies = await core.ask(Inbound("rest", body.sender, body.message))
    return to_rest(body.sender, replies)


@router.get("/webhooks/rest/outbox/{sender}", response_model=list[RestReply], response_model_exclude_none=True)
async def rest_outbox(sender: str) -> list[dict[str, Any]]:
    """Officer replies for a conversation, for clients that poll between messages."""
    return to_rest(sender, await run_in_threadpool(officer_replies, Inbound("rest", sender).conversation_id))
