"""Officers: list waiting conversations with transcripts, reply, close (hands back to the bot, telling
the citizen); teach the search a citizen's wording for a procedure (learned aliases), finding the
procedure by name or code."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from bot.vietnamese import canonical, clean_text
from common.privacy import mask_pii
from common.status import DossierStatus
from connectors import messages as msg
from connectors.api.auth import require_staff
from connectors.core import Core, get_core, worker_order
from connectors.delivery import push_officer_replies
from knowledge.catalogue import get_procedure, load_catalogue, phrase_key
from storage import aliases, audit, citizens, identities
from storage import handover as queue

# Ids are SQL integers: anything else is a 422, never an overflow in the database driver.
HandoverId = Annotated[int, Path(ge=1, le=2**31 - 1)]
router = APIRouter(prefix="/officer", tags=["officer"], dependencies=[Depends(require_staff)])
QUEUE_POLL_SECONDS = 1.0
logger = logging.getLogger(__name__)


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


# A call for an officer, not a question: officer words and nothing but the words such a call is made of
# (folded: "cho tôi gặp cán bộ", "gap nhan vien", "bot không hiểu, cho tôi gặp người").
OFFICER_CALL = re.compile(r"\b(can bo|nhan vien|nguoi that|tu van vien|tong dai vien|ho tro vien|gap nguoi|"
                          r"nguoi ho tro|ai truc)\b")
OFFICER_CALL_WORDS = set(
    "cho toi gap can bo nhan vien nguoi that muon noi chuyen voi may giup duoc truc tiep co ai khong dau mot cua "
    "giai dap a em minh xin vui long ket goi di nhe bot hieu oi hay ban day lam on nao tu van tong dai ho tro "
    "sao the gi anh chi ad admin ah vay".split())
# A short acknowledgement while reading the answers ("vâng", "còn gì nữa không"): not the question either.
ACKNOWLEDGEMENT_WORDS = set("vang da ok oke okay u uh um co khong cam on roi con gi nua the thoi a vay nhe duoc hieu "
                            "biet xong tiep di sao nao em toi minh nhieu lam".split())
CITED_CODE = re.compile(r"\bmã (\d\.\d{6})\b")  # how the assistant's answers cite a procedure
TRACKER_TIMEOUT_S = 2.0
_procedures_seen: dict[tuple[str, int], str | None] = {}  # (conversation, transcript length) -> procedure code


def officer_call(text: str) -> bool:
    """Whether a citizen's message only asks for an officer (nothing the officer needs to read)."""
    folded = canonical(clean_text(text)).lower()
    words = re.findall(r"\w+", folded)
    return bool(words) and bool(OFFICER_CALL.search(folded)) and set(words) <= OFFICER_CALL_WORDS


def acknowledgement(text: str) -> bool:
    words = re.findall(r"\w+", canonical(clean_text(text)).lower())
    return len(words) <= 5 and set(words) <= ACKNOWLEDGEMENT_WORDS


def preview(transcript: list[dict[str, Any]]) -> str:
    """The citizen's question for the queue: the last message that is neither a call for an officer
    nor a mere acknowledgement (masked, as stored), else the last that is no call, else the last."""
    said = [line["text"] for line in transcript if line["author"] == "citizen"]
    asked = [text for text in said if not officer_call(text)]
    return next((text for text in reversed(asked) if not acknowledgement(text)), (asked or said or [""])[-1])


def cited_procedure(transcript: list[dict[str, Any]]) -> str | None:
    """The procedure the assistant's last answer citing one was about."""
    for line in reversed(transcript):
        found = CITED_CODE.findall(line["text"]) if line["author"] == "bot" else []
        if found:
            return found[-1]
    return None


async def tracked_procedure(core: Core, conversation: str) -> str | None:
    """The conversation's current procedure as the dialogue tracks it (Rasa's ``current_procedure``
    slot), or None when Rasa does not say."""
    url = worker_order(conversation, core.settings.rasa_urls)[0]
    try:
        response = await core.http.get(
            f"{url}/conversations/{quote(conversation, safe='')}/tracker",
            params={"include_events": "NONE", "token": core.settings.rasa_auth_token.get_secret_value()},
            timeout=TRACKER_TIMEOUT_S)
        response.raise_for_status()
        code = (response.json().get("slots") or {}).get("current_procedure")
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        logger.info("no tracked procedure for the queue (%s)", type(exc).__name__)
        return None
    return code if isinstance(code, str) else None


async def procedure_of(core: Core, row: dict[str, Any]) -> dict[str, str] | None:
    """Code and name of the procedure the conversation is about: the tracker's, else the last one the
    assistant cited; asked again only when the transcript grows."""
    seen = (row["sender_id"], len(row["transcript"]))
    if seen not in _procedures_seen:
        if len(_procedures_seen) > 1000:
            _procedures_seen.clear()
        _procedures_seen[seen] = await tracked_procedure(core, row["sender_id"]) or cited_procedure(row["transcript"])
    procedure = get_procedure(_procedures_seen[seen] or "")
    return {"code": procedure.code, "name": procedure.name} if procedure else None


def utc(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive times, stored in UTC: say so, or a browser reads them as local time."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


async def queue_snapshot(core: Core) -> list[dict[str, Any]]:
    """Waiting and active conversations (oldest waiting first), with their masked transcripts, the
    citizen's question (``preview``) and the procedure discussed (``procedure``, or None)."""
    rows = await run_in_threadpool(lambda: queue.list_handovers("waiting")[::-1] + queue.list_handovers("active"))
    for row in rows:
        row["created_at"] = utc(row["created_at"])
        for line in row["transcript"]:
            line["at"] = utc(line["at"])
        row["preview"] = preview(row["transcript"])
        row["procedure"] = await procedure_of(core, row)
    return jsonable_encoder(rows)


@router.get("/events")
async def events(request: Request, core: Core = Depends(get_core)) -> StreamingResponse:
    """Server-sent events: the queue (``event: queue``) whenever it changes, a comment line to keep
    the connection alive otherwise. Any replica serves it: the queue is read from the shared store."""

    async def stream():
        last, quiet = None, 0
        while not await request.is_disconnected():
            snapshot = json.dumps(await queue_snapshot(core), ensure_ascii=False)
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
async def close(handover_id: HandoverId, request: Request, core: Core = Depends(get_core),
                actor: str = Depends(require_staff)) -> dict[str, str]:
    """Hand the conversation back to the bot; the citizen is told (pushed at once to Telegram and Zalo
    users, with the next poll or reply to the others)."""
    handover = await run_in_threadpool(existing, handover_id)
    if handover["status"] == "closed":
        return {"status": "closed"}
    await run_in_threadpool(queue.add_transcript, handover_id, "officer", msg.HANDOVER_CLOSED)
    await run_in_threadpool(queue.requeue_outbox, handover["sender_id"], [msg.HANDOVER_CLOSED])
    await run_in_threadpool(queue.close_handover, handover_id)
    await run_in_threadpool(audit.record, actor, "close", str(handover_id))
    application = getattr(request.app.state, "telegram", None)
    await push_officer_replies(core, handover, application.bot if application else None)
    return {"status": "closed"}


@lru_cache(maxsize=1)
def procedure_names() -> list[tuple[str, str, str]]:
    """(code, name, its name and colloquial names folded) for every procedure."""
    return [(code, p.name, " | ".join(canonical(clean_text(n)).lower() for n in [p.name, *p.aliases]))
            for code, p in load_catalogue().items()]


@router.get("/procedures", include_in_schema=False)
def find_procedures(q: Annotated[str, Query(max_length=100)] = "",
                    limit: Annotated[int, Query(ge=1, le=20)] = 8) -> list[dict[str, str]]:
    """Procedures whose code starts with ``q``, or whose name (or a colloquial name) has every word
    of it, the last one as a prefix (as the officer types); those saying it as a phrase first, then the
    shortest names: for choosing the procedure an alias points to."""
    query = q.strip()
    if re.fullmatch(r"[\d.]+", query):
        hits = [(code, name) for code, name, _ in procedure_names() if code.startswith(query)]
        return [{"code": code, "name": name} for code, name in sorted(hits)[:limit]]
    words = canonical(clean_text(query)).lower().split()
    if not words:
        return []
    *whole, last = words
    ranked = []
    for code, name, names in procedure_names():
        known = set(re.findall(r"\w+", names))
        if all(w in known for w in whole) and any(k.startswith(last) for k in known):
            ranked.append((" ".join(words) not in names, len(name), code, name))
    return [{"code": code, "name": name} for _, _, code, name in sorted(ranked)[:limit]]


class LearnedAliasIn(BaseModel):
    phrase: str = Field(min_length=2, max_length=200, description="a citizen's wording, e.g. from an unanswered question")
    procedure_code: str = Field(max_length=32)


AliasId = Annotated[int, Path(ge=1, le=2**31 - 1)]
# What the masker leaves of personal data: a phrase prefilled from a (masked) question may hold it.
MASKED_MARKS = re.compile(r"\[(?:họ tên|địa chỉ)\]|\d\*|\*\d|\*\*")


def holds_personal_data(phrase: str) -> bool:
    """Whether an alias phrase holds personal data, or what the masker left of some — read as it will be
    stored (cleaned: a zero-width space or "&#8203;" between the digits hides nothing)."""
    return any(mask_pii(text) != text or bool(MASKED_MARKS.search(text)) for text in (phrase, clean_text(phrase)))


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
    if holds_personal_data(body.phrase):  # refused, not masked: the alias and its audit are kept for good
        raise HTTPException(400, msg.ALIAS_PERSONAL_DATA)
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
