"""Rasa's REST-channel contract, served by the gateway and forwarded to the core."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from connectors.core import ask_core, officer_messages

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


def http_client(request: Request) -> httpx.AsyncClient:
    return request.app.state.http


@router.post("/webhooks/rest/webhook", response_model=list[RestReply], response_model_exclude_none=True)
async def rest_webhook(body: RestMessage, client: httpx.AsyncClient = Depends(http_client)) -> list[dict[str, Any]]:
    return await ask_core(body.sender, body.message, client)


@router.get("/webhooks/rest/outbox/{sender}", response_model=list[RestReply], response_model_exclude_none=True)
async def rest_outbox(sender: str) -> list[dict[str, Any]]:
    """Officer replies for a conversation, for clients that poll between messages."""
    return await run_in_threadpool(officer_messages, sender)
