"""Officers: list waiting conversations with transcripts, reply, close (hands back to the bot); teach
the search a citizen's wording for a procedure (learned aliases)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from connectors.api.auth import require_staff
from connectors.core import Core, get_core
from connectors.delivery import push_officer_replies
from knowledge.catalogue import get_procedure, phrase_key
from storage import aliases, audit
from storage import handover as queue

# Ids are SQL integers: anything else is a 422, never an overflow in the database driver.
HandoverId = Annotated[int, Path(ge=1, le=2**31 - 1)]
router = APIRouter(prefix="/officer", tags=["officer"], dependencies=[Depends(require_staff)])


class OfficerReply(BaseModel):
    text: str = Field(min_length=1, max_length=4000)
    officer: str = Field(default="cán bộ", max_length=64)


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
async def reply(handover_id: HandoverId, body: OfficerReply, request: Request, core: Core = Depends(get_core)) -> dict[str, Any]:
    """Record the reply and deliver it: pushed at once to Telegram and Zalo users, queued for REST clients."""
    if (await run_in_threadpool(existing, handover_id))["status"] == "closed":
        raise HTTPException(409, "Conversation is closed")
    queued = await run_in_threadpool(queue.officer_reply, handover_id, body.officer, body.text)
    await run_in_threadpool(audit.record, body.officer, "reply", str(handover_id))
    application = getattr(request.app.state, "telegram", None)
    pushed = await push_officer_replies(core, queued, application.bot if application else None)
    return {"status": "active", "pushed": pushed}


@router.post("/conversations/{handover_id}/close")
def close(handover_id: HandoverId, actor: str = Depends(require_staff)) -> dict[str, str]:
    existing(handover_id)
    queue.close_handover(handover_id)
    audit.record(actor, "close", str(handover_id))
    return {"status": "closed"}


class LearnedAliasIn(BaseModel):
    phrase: str = Field(min_length=2, max_length=200, description="a citizen's wording, e.g. from an unanswered question")
    procedure_code: str = Field(max_length=32)
    officer: str = Field(default="cán bộ", max_length=64)


AliasId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/aliases")
def list_aliases() -> list[dict[str, Any]]:
    """Phrases officers tied to procedures (the search uses them at once)."""
    return aliases.listed()


@router.post("/aliases", status_code=201)
def add_alias(body: LearnedAliasIn) -> dict[str, Any]:
    """Tie a citizen's wording to a procedure: a question containing it is answered with that procedure
    from the next message on, in every replica. ``python -m knowledge export-aliases`` writes them to
    the catalogue's data files for review."""
    if get_procedure(body.procedure_code) is None:
        raise HTTPException(404, "No such procedure")
    key = phrase_key(body.phrase)
    if not key:
        raise HTTPException(422, "The phrase has no words")
    alias = aliases.add(" ".join(body.phrase.split()), key, body.procedure_code, body.officer)
    audit.record(body.officer, "alias", body.procedure_code, str(alias["id"]))
    return alias


@router.delete("/aliases/{alias_id}", status_code=204)
def remove_alias(alias_id: AliasId, actor: str = Depends(require_staff)) -> None:
    if not aliases.remove(alias_id):
        raise HTTPException(404, "No such alias")
    audit.record(actor, "alias_removed", str(alias_id))
