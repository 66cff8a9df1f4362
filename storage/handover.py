"""Conversations handed over to an officer: the queue, masked transcripts and the outbox of replies.

One client (the gateway's keyed hash of its address) may keep only a few conversations waiting at once,
and open only so many an hour; a waiting conversation nobody took leaves the queue after a while
(``HandoverSettings``). The counts are read from the queue itself: exact, and shared by every action
server and replica without a limiter's store.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from pydantic_settings import BaseSettings
from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    select,
    update,
)

from common.privacy import mask_pii
from storage.db import engine, every, first, metadata, now

handovers = Table(
    "handovers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(32), nullable=False),
    Column("sender_id", String(128), nullable=False, index=True),
    Column("status", String(16), nullable=False),  # waiting | active | closed
    Column("officer", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    # Who asked: the gateway's keyed hash of the client's address (migration 0010); none for channels
    # whose senders are vouched for (Telegram, Zalo) and for older rows.
    Column("client", String(64), index=True),
)
transcript = Table(
    "transcript",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("handover_id", Integer, nullable=False, index=True),
    Column("author", String(16), nullable=False),  # citizen | bot | officer
    Column("text", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(128), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("delivered", Boolean, nullable=False, default=False),
    Column("at", DateTime(timezone=True), nullable=False),
)


class HandoverSettings(BaseSettings):
    handover_waiting_hours: float = 8  # a waiting conversation nobody took leaves the queue after this
    handover_waiting_per_client: int = 3  # conversations one client may keep waiting at once
    handover_per_client_per_hour: int = 6  # conversations one client may hand over in an hour


@lru_cache
def handover_settings() -> HandoverSettings:
    return HandoverSettings()


class QueueFull(Exception):
    """This client already has as many conversations waiting, or handed over this hour, as it may."""


def _waiting_since() -> datetime:
    """The oldest a waiting conversation may be and still be in the queue (``HANDOVER_WAITING_HOURS``)."""
    return now() - timedelta(hours=handover_settings().handover_waiting_hours)


def _open() -> ColumnElement[bool]:
    """Served, or waiting since less than ``HANDOVER_WAITING_HOURS``: still in the queue."""
    return (handovers.c.status == "active") | ((handovers.c.status == "waiting") & (handovers.c.created_at >= _waiting_since()))


def _close_expired(conn: Connection) -> None:
    """Waiting conversations nobody took in time are closed (the citizen's next message goes to the bot)."""
    conn.execute(update(handovers).where(handovers.c.status == "waiting", handovers.c.created_at < _waiting_since())
                 .values(status="closed", closed_at=now()))


def _client_over_cap(conn: Connection, client: str) -> bool:
    settings = handover_settings()
    waiting = conn.execute(select(func.count()).select_from(handovers).where(
        handovers.c.client == client, handovers.c.status == "waiting")).scalar() or 0
    if waiting >= settings.handover_waiting_per_client:
        return True
    opened = conn.execute(select(func.count()).select_from(handovers).where(
        handovers.c.client == client, handovers.c.created_at >= now() - timedelta(hours=1))).scalar() or 0
    return opened >= settings.handover_per_client_per_hour


def open_handover(channel: str, sender_id: str, history: list[tuple[str, str]], client: str | None = None) -> int:
    """Queue a conversation for an officer (or return the open one), with its recent history masked.
    ``client`` (the gateway's keyed hash of the client's address): ``QueueFull`` past its caps."""
    with engine().begin() as conn:
        _close_expired(conn)
        existing = conn.execute(
            select(handovers.c.id).where(handovers.c.sender_id == sender_id, handovers.c.status != "closed")
        ).scalar()
        if existing:
            return int(existing)
        if client and _client_over_cap(conn, client):
            raise QueueFull(channel)
        handover_id = conn.execute(handovers.insert().values(
            channel=channel, sender_id=sender_id, status="waiting", created_at=now(), client=client or None)
        ).inserted_primary_key[0]
        for author, text in history:
            conn.execute(transcript.insert().values(handover_id=handover_id, author=author, text=mask_pii(text), at=now()))
        return int(handover_id)


def active_handover(sender_id: str) -> dict[str, Any] | None:
    """The open handover of a citizen (served, or waiting and not yet expired), if any."""
    with engine().connect() as conn:
        return first(conn, select(handovers).where(handovers.c.sender_id == sender_id, _open()))


def waiting_ahead(handover_id: int) -> int:
    """How many conversations (not yet expired) have been waiting for an officer longer than this one."""
    with engine().connect() as conn:
        return int(conn.execute(select(func.count()).select_from(handovers).where(
            handovers.c.status == "waiting", _open(), handovers.c.id < handover_id)).scalar() or 0)


def add_transcript(handover_id: int, author: str, text: str) -> None:
    with engine().begin() as conn:
        conn.execute(transcript.insert().values(handover_id=handover_id, author=author, text=mask_pii(text), at=now()))


def list_handovers(status: str | None = None) -> list[dict[str, Any]]:
    """Handovers (newest first) with their transcripts; waiting ones nobody took in time are closed first."""
    with engine().begin() as conn:
        _close_expired(conn)
        query = select(handovers).order_by(handovers.c.id.desc())
        if status:
            query = query.where(handovers.c.status == status)
        rows = every(conn, query)
        for row in rows:
            row["transcript"] = every(conn, select(transcript.c.author, transcript.c.text, transcript.c.at)
                                      .where(transcript.c.handover_id == row["id"]).order_by(transcript.c.id))
    return rows


def get_handover(handover_id: int) -> dict[str, Any] | None:
    with engine().connect() as conn:
        return first(conn, select(handovers).where(handovers.c.id == handover_id))


def officer_reply(handover_id: int, officer: str, text: str) -> dict[str, Any]:
    """Record an officer's message (masked), mark the conversation active and queue the message for
    the citizen; returns the handover."""
    with engine().begin() as conn:
        row = conn.execute(select(handovers).where(handovers.c.id == handover_id)).mappings().one()
        conn.execute(update(handovers).where(handovers.c.id == handover_id).values(status="active", officer=officer))
        conn.execute(transcript.insert().values(handover_id=handover_id, author="officer", text=mask_pii(text), at=now()))
        conn.execute(outbox.insert().values(sender_id=row["sender_id"], text=text, delivered=False, at=now()))
        return dict(row)


def take_handover(handover_id: int, officer: str) -> None:
    """An officer takes a waiting conversation (the bot stays silent from now on)."""
    with engine().begin() as conn:
        conn.execute(update(handovers).where(handovers.c.id == handover_id, handovers.c.status != "closed")
                     .values(status="active", officer=officer))


def close_handover(handover_id: int) -> None:
    with engine().begin() as conn:
        conn.execute(update(handovers).where(handovers.c.id == handover_id).values(status="closed", closed_at=now()))


def _delete_handovers(conn: Connection, where: ColumnElement[bool]) -> tuple[int, int]:
    """Handovers matching ``where`` with their transcripts: (handovers, transcript lines) removed."""
    ids = [r.id for r in conn.execute(select(handovers.c.id).where(where))]
    if not ids:
        return 0, 0
    lines = conn.execute(delete(transcript).where(transcript.c.handover_id.in_(ids))).rowcount
    return conn.execute(delete(handovers).where(handovers.c.id.in_(ids))).rowcount, lines


def delete_conversation(sender_id: str) -> int:
    """Every handover of a conversation with its transcript and undelivered messages; rows removed."""
    with engine().begin() as conn:
        removed = sum(_delete_handovers(conn, handovers.c.sender_id == sender_id))
        return removed + conn.execute(delete(outbox).where(outbox.c.sender_id == sender_id)).rowcount


def delete_closed_before(cutoff: datetime) -> int:
    """Handovers closed before ``cutoff``, with their transcripts; how many handovers went."""
    with engine().begin() as conn:
        return _delete_handovers(conn, (handovers.c.status == "closed") & (handovers.c.closed_at < cutoff))[0]


def requeue_outbox(sender_id: str, texts: list[str]) -> None:
    """Put back officer messages that could not be delivered."""
    if texts:
        with engine().begin() as conn:
            conn.execute(outbox.insert(), [{"sender_id": sender_id, "text": t, "delivered": False, "at": now()} for t in texts])


def take_outbox(sender_id: str) -> list[str]:
    """Undelivered officer messages for a citizen, removed as they are handed over (the transcript
    keeps a masked copy)."""
    with engine().begin() as conn:
        rows = conn.execute(
            select(outbox.c.id, outbox.c.text).where(outbox.c.sender_id == sender_id, outbox.c.delivered.is_(False))
            .order_by(outbox.c.id).with_for_update()
        ).all()
        if rows:
            conn.execute(delete(outbox).where(outbox.c.id.in_([r.id for r in rows])))
        return [r.text for r in rows]
