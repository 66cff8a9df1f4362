"""Officers: list waiting conversations with transcripts, reply, close (hands back to the bot); teach
the search a citizen's wording for a procedure (learned aliases)."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from common.status import DossierStatus
from connectors.api.auth import require_staff
from connectors.core import Core, get_core
from connectors.delivery import push_officer_replies
from knowledge.catalogue import get_procedure, phrase_key
from storage import aliases, audit, citizens, identities
from storage import handover as queue

# Ids are SQL integers: anything else is a 422, never an overflow in the database driver.
HandoverId = Annotated[int, Path(ge=1, le=2**31 - 1)]
router = APIRouter(prefix="/officer", tags=["officer"], dependencies=[Depends(require_staff)])
QUEUE_POLL_SECONDS = 1.0


class OfficerReply(BaseModel):
    """The officer who replies is the one signed in (or the token's role), never a name in the body."""

    text: str = Field(min_length=1, max_length=4000)


def existing(handover_id: int) -> dict[str, Any]:
    handover = queue.get_handover(handover_id)
    if handover is None:
        raise HTTPException(404, "No such conversation")
    return handover


@router.get("/conversations")
def list_conversations(status: str | None = "waiting") -> list[dict[str, Any]]:
    """Conversations by status (waiting, active, closed; empty for all), with transcripts."""
    return queue.list_handovers(status or None)


@router.post("/conversations/{handover_id}/reply")
async def reply(handover_id: HandoverId, body: OfficerReply, request: Request, core: Core = Depends(get_core),
                actor: str = Depends(require_staff)) -> dict[str, Any]:
    """Record the reply and deliver it: pushed at once to Telegram and Zalo users, queued for REST clients."""
    if (await run_in_threadpool(existing, handover_id))["status"] == "closed":
        raise HTTPException(409, "Conversation is closed")
    queued = await run_in_threadpool(queue.officer_reply, handover_id, actor, body.text)
    await run_in_threadpool(audit.record, actor, "reply", str(handover_id))
    application = getattr(request.app.state, "telegram", None)
    pushed = await push_officer_replies(core, queued, application.bot if application else None)
    return {"status": "active", "pushed": pushed}


@router.get("/me")
def me(actor: str = Depends(require_staff)) -> dict[str, str]:
    """Who the console is signed in as (the name shown on replies)."""
    return {"name": actor}


def queue_snapshot() -> list[dict[str, Any]]:
    """Waiting and active conversations (oldest waiting first), with their masked transcripts."""
    rows = queue.list_handovers("waiting")[::-1] + queue.list_handovers("active")
    return jsonable_encoder(rows)


@router.get("/events")
async def events(request: Request) -> StreamingResponse:
    """Server-sent events: the queue (``event: queue``) whenever it changes, a comment line to keep
    the connection alive otherwise. Any replica serves it: the queue is read from the shared store."""

    async def stream():
        last, quiet = None, 0
        while not await request.is_disconnected():
            snapshot = json.dumps(await run_in_threadpool(queue_snapshot), ensure_ascii=False)
            if snapshot != last:
                last, quiet = snapshot, 0
                yield f"event: queue\ndata: {snapshot}\n\n"
            elif (quiet := quiet + 1) % 15 == 0:
                yield ": still here\n\n"
            await asyncio.sleep(QUEUE_POLL_SECONDS)

    # X-Accel-Buffering: nginx (the replicated topology) must pass each event on at once.
    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.post("/conversations/{handover_id}/take")
def take(handover_id: HandoverId, actor: str = Depends(require_staff)) -> dict[str, str]:
    """An officer takes a waiting conversation: the bot falls silent, the officer answers."""
    if existing(handover_id)["status"] == "closed":
        raise HTTPException(409, "Conversation is closed")
    queue.take_handover(handover_id, actor)
    audit.record(actor, "take", str(handover_id))
    return {"status": "active"}


@router.get("/dossier-statuses")
def dossier_statuses() -> list[dict[str, str]]:
    """The statuses an officer may set, with the Vietnamese label citizens see."""
    return [{"code": status.value, "label": status.label} for status in DossierStatus]


@router.get("/conversations/{handover_id}/dossiers")
def conversation_dossiers(handover_id: HandoverId) -> list[dict[str, Any]]:
    """The dossiers this citizen filed (from this conversation, or as the signed-in citizen it belongs
    to): code, procedure, status and note — not the declaration's personal fields."""
    sender = existing(handover_id)["sender_id"]
    found = {d["code"]: d for d in citizens.dossiers_of_conversation(sender)}
    citizen = identities.citizen_of(sender)
    found |= {d["code"]: d for d in (citizens.dossiers_of(citizen) if citizen else [])}
    listed = []
    for dossier in sorted(found.values(), key=lambda d: d["code"], reverse=True):
        procedure = get_procedure(dossier["procedure_code"])
        listed.append({"code": dossier["code"], "procedure_code": dossier["procedure_code"],
                       "procedure": procedure.name if procedure else "", "status": DossierStatus(dossier["status"]).label,
                       "status_code": dossier["status"], "note": dossier["note"]})
    return listed


@router.post("/conversations/{handover_id}/close")
def close(handover_id: HandoverId, actor: str = Depends(require_staff)) -> dict[str, str]:
    """Hand the conversation back to the bot."""
    existing(handover_id)
    queue.close_handover(handover_id)
    audit.record(actor, "close", str(handover_id))
    return {"status": "closed"}


class LearnedAliasIn(BaseModel):
    phrase: str = Field(min_length=2, max_length=200, description="a citizen's wording, e.g. from an unanswered question")
    procedure_code: str = Field(max_length=32)


AliasId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/aliases")
def list_aliases() -> list[dict[str, Any]]:
    """Phrases officers tied to procedures (the search uses them at once)."""
    return aliases.listed()


@router.post("/aliases", status_code=201)
def add_alias(body: LearnedAliasIn, actor: str = Depends(require_staff)) -> dict[str, Any]:
    """Tie a citizen's wording to a procedure: a question containing it is answered with that procedure
    from the next message on, in every replica. ``python -m knowledge export-aliases`` writes them to
    the catalogue's data files for review."""
    if get_procedure(body.procedure_code) is None:
        raise HTTPException(404, "No such procedure")
    key = phrase_key(body.phrase)
    if not key:
        raise HTTPException(422, "The phrase has no words")
    alias = aliases.add(" ".join(body.phrase.split()), key, body.procedure_code, actor)
    audit.record(actor, "alias", alias["procedure_code"], alias_detail(alias))
    return alias


def alias_detail(alias: dict[str, Any]) -> str:
    """What the audit keeps of an alias: its id (never given again) and its phrase."""
    return f"#{alias['id']} {alias['phrase']}"


@router.delete("/aliases/{alias_id}", status_code=204)
def remove_alias(alias_id: AliasId, actor: str = Depends(require_staff)) -> None:
    removed = aliases.remove(alias_id)
    if removed is None:
        raise HTTPException(404, "No such alias")
    audit.record(actor, "alias_removed", removed["procedure_code"], alias_detail(removed))
