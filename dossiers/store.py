"""SQL store (SQLite by default, PostgreSQL by ``APP_DB_URL``; SQLAlchemy Core, same code).

Tables:
- ``handovers``: conversations waiting for / served by an officer, with their status.
- ``transcript``: messages of handed-over conversations (masked), and officer replies.
- ``outbox``: officer replies not yet delivered to the citizen's channel.
- ``questions``: what was asked and which procedure answered (masked), for analytics.
- ``feedback``: ratings of answers.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from dossiers.privacy import mask_pii

ROOT = Path(__file__).resolve().parent.parent
metadata = MetaData()

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
questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("question", Text, nullable=False),
    Column("procedure_code", String(32)),
    Column("confident", Boolean, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)
feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(128), nullable=False),
    Column("procedure_code", String(32)),
    Column("question", Text),
    Column("rating", Integer, nullable=False),  # 1..5 (👍 = 5, 👎 = 1)
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)

payloads = Table(
    "payloads",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("payload", Text, nullable=False),
)
channel_tokens = Table(
    "channel_tokens",
    metadata,
    Column("channel", String(32), primary_key=True),
    Column("access_token", Text, nullable=False),
    Column("refresh_token", Text, nullable=False),
    Column("expires_at", DateTime(timezone=True)),
)
seen_events = Table(
    "seen_events",
    metadata,
    Column("key", String(160), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
)

profiles = Table(
    "profiles",
    metadata,
    Column("sender_id", String(128), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("consented_at", DateTime(timezone=True), nullable=False),
)
dossiers = Table(
    "dossiers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(32), unique=True),
    Column("access_key", String(64), nullable=False),
    Column("sender_id", String(128), nullable=False, index=True),
    Column("procedure_code", String(32), nullable=False),
    Column("form_id", String(64), nullable=False),
    Column("data", JSON, nullable=False),
    Column("status", String(32), nullable=False),
    Column("note", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
DOSSIER_STATUSES = ("nháp", "đã nộp", "cần bổ sung", "đã có kết quả")

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def now() -> datetime:
    return datetime.now(UTC)


def db_url() -> str:
    default = f"sqlite:///{Path(os.environ.get('VAR_DIR', ROOT / 'var')) / 'app.db'}"
    return os.environ.get("APP_DB_URL", default)


def engine() -> Engine:
    """One engine per database URL, tables created on first use."""
    url = db_url()
    with _lock:
        if url not in _engines:
            if url.startswith("sqlite:///"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            created = create_engine(url, pool_pre_ping=True)
            metadata.create_all(created)
            _engines[url] = created
    return _engines[url]


# --- handover -------------------------------------------------------------------------


def open_handover(channel: str, sender_id: str, history: list[tuple[str, str]]) -> int:
    """Queue a conversation for an officer (or return the open one), with its recent history."""
    with engine().begin() as conn:
        existing = conn.execute(
            select(handovers.c.id).where(handovers.c.sender_id == sender_id, handovers.c.status != "closed")
        ).scalar()
        if existing:
            return int(existing)
        handover_id = conn.execute(
            handovers.insert().values(channel=channel, sender_id=sender_id, status="waiting", created_at=now())
        ).inserted_primary_key[0]
        for author, text in history:
            conn.execute(transcript.insert().values(handover_id=handover_id, author=author, text=mask_pii(text), at=now()))
        return int(handover_id)


def active_handover(sender_id: str) -> dict[str, Any] | None:
    """The open handover of a citizen (waiting or active), if any."""
    with engine().connect() as conn:
        row = conn.execute(
            select(handovers).where(handovers.c.sender_id == sender_id, handovers.c.status != "closed")
        ).mappings().first()
        return dict(row) if row else None


def add_transcript(handover_id: int, author: str, text: str) -> None:
    with engine().begin() as conn:
        conn.execute(transcript.insert().values(handover_id=handover_id, author=author, text=mask_pii(text), at=now()))


def list_handovers(status: str | None = None) -> list[dict[str, Any]]:
    """Handovers (newest first) with their transcripts."""
    with engine().connect() as conn:
        query = select(handovers).order_by(handovers.c.id.desc())
        if status:
            query = query.where(handovers.c.status == status)
        rows = [dict(r) for r in conn.execute(query).mappings()]
        for row in rows:
            row["transcript"] = [
                dict(t) for t in conn.execute(
                    select(transcript.c.author, transcript.c.text, transcript.c.at)
                    .where(transcript.c.handover_id == row["id"]).order_by(transcript.c.id)
                ).mappings()
            ]
    return rows


def get_handover(handover_id: int) -> dict[str, Any] | None:
    with engine().connect() as conn:
        row = conn.execute(select(handovers).where(handovers.c.id == handover_id)).mappings().first()
        return dict(row) if row else None


def officer_reply(handover_id: int, officer: str, text: str) -> None:
    """Record an officer's message, mark the conversation active and queue it for the citizen."""
    with engine().begin() as conn:
        row = conn.execute(select(handovers).where(handovers.c.id == handover_id)).mappings().one()
        conn.execute(update(handovers).where(handovers.c.id == handover_id).values(status="active", officer=officer))
        conn.execute(transcript.insert().values(handover_id=handover_id, author="officer", text=text, at=now()))
        conn.execute(outbox.insert().values(sender_id=row["sender_id"], text=text, delivered=False, at=now()))


def close_handover(handover_id: int) -> None:
    with engine().begin() as conn:
        conn.execute(update(handovers).where(handovers.c.id == handover_id).values(status="closed", closed_at=now()))


def take_outbox(sender_id: str) -> list[str]:
    """Undelivered officer messages for a citizen, marked delivered."""
    with engine().begin() as conn:
        rows = conn.execute(
            select(outbox.c.id, outbox.c.text).where(outbox.c.sender_id == sender_id, outbox.c.delivered.is_(False))
            .order_by(outbox.c.id)
        ).all()
        if rows:
            conn.execute(update(outbox).where(outbox.c.id.in_([r.id for r in rows])).values(delivered=True))
        return [r.text for r in rows]


# --- analytics --------------------------------------------------------------------------


def record_question(question: str, procedure_code: str | None, confident: bool) -> None:
    with engine().begin() as conn:
        conn.execute(
            questions.insert().values(
                question=mask_pii(question)[:500], procedure_code=procedure_code, confident=confident, at=now()
            )
        )


def record_feedback(sender_id: str, rating: int, procedure_code: str | None, question: str | None) -> None:
    with engine().begin() as conn:
        conn.execute(
            feedback.insert().values(
                sender_id=sender_id, rating=rating, procedure_code=procedure_code,
                question=mask_pii(question)[:500] if question else None, at=now(),
            )
        )


def analytics(since: datetime, until: datetime, top: int = 10) -> dict[str, Any]:
    """Top procedures asked, questions the bot could not answer, and satisfaction over a period."""
    with engine().connect() as conn:
        in_period = questions.c.at.between(since, until)
        top_rows = conn.execute(
            select(questions.c.procedure_code, func.count().label("count"))
            .where(in_period, questions.c.confident.is_(True))
            .group_by(questions.c.procedure_code).order_by(func.count().desc()).limit(top)
        ).all()
        unanswered = conn.execute(
            select(questions.c.question, func.count().label("count"))
            .where(in_period, questions.c.confident.is_(False))
            .group_by(questions.c.question).order_by(func.count().desc()).limit(top)
        ).all()
        ratings = conn.execute(select(feedback.c.rating).where(feedback.c.at.between(since, until))).scalars().all()
    satisfied = sum(1 for r in ratings if r >= 4)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "top_procedures": [{"code": r.procedure_code, "count": r.count} for r in top_rows],
        "unanswered_questions": [{"question": r.question, "count": r.count} for r in unanswered],
        "ratings": len(ratings),
        "satisfaction_rate": round(satisfied / len(ratings), 3) if ratings else None,
    }


# --- channel plumbing -------------------------------------------------------------------


def payload_key(payload: str) -> str:
    """A short stable key for a button payload (Telegram's callback_data holds 64 bytes)."""
    key = hashlib.sha256(payload.encode()).hexdigest()[:24]
    with engine().begin() as conn:
        if conn.execute(select(payloads.c.key).where(payloads.c.key == key)).first() is None:
            with contextlib.suppress(IntegrityError):  # another replica stored it first
                conn.execute(payloads.insert().values(key=key, payload=payload))
    return key


def payload_for(key: str) -> str | None:
    with engine().connect() as conn:
        return conn.execute(select(payloads.c.payload).where(payloads.c.key == key)).scalar()


def first_time(event_key: str) -> bool:
    """True the first time an event key is seen (de-duplicates webhook retries across replicas)."""
    try:
        with engine().begin() as conn:
            conn.execute(seen_events.insert().values(key=event_key[:160], at=now()))
        return True
    except IntegrityError:
        return False


def get_tokens(channel: str) -> dict[str, Any] | None:
    with engine().connect() as conn:
        row = conn.execute(select(channel_tokens).where(channel_tokens.c.channel == channel)).mappings().first()
        return dict(row) if row else None


def seed_tokens(channel: str, access_token: str, refresh_token: str) -> None:
    """Store the operator's initial token pair unless a (newer) pair is already stored."""
    try:
        with engine().begin() as conn:
            conn.execute(channel_tokens.insert().values(
                channel=channel, access_token=access_token, refresh_token=refresh_token))
    except IntegrityError:
        pass


def swap_tokens(channel: str, old_refresh: str, access_token: str, refresh_token: str, expires_at: datetime) -> bool:
    """Replace the pair atomically, only if nobody else refreshed with ``old_refresh`` first."""
    with engine().begin() as conn:
        result = conn.execute(
            update(channel_tokens)
            .where(channel_tokens.c.channel == channel, channel_tokens.c.refresh_token == old_refresh)
            .values(access_token=access_token, refresh_token=refresh_token, expires_at=expires_at)
        )
        return result.rowcount == 1


# --- profiles (kept only with consent) and dossiers -----------------------------------------


def get_profile(sender_id: str) -> dict[str, str] | None:
    with engine().connect() as conn:
        return conn.execute(select(profiles.c.data).where(profiles.c.sender_id == sender_id)).scalar()


def save_profile(sender_id: str, data: dict[str, str]) -> None:
    """Merge ``data`` into the citizen's profile; call only after explicit consent."""
    with engine().begin() as conn:
        current = conn.execute(select(profiles.c.data).where(profiles.c.sender_id == sender_id)).scalar()
        if current is None:
            conn.execute(profiles.insert().values(sender_id=sender_id, data=data, consented_at=now()))
        else:
            conn.execute(update(profiles).where(profiles.c.sender_id == sender_id).values(data={**current, **data}))


def delete_personal_data(sender_id: str) -> int:
    """Delete the profile and the citizen's dossier drafts; returns how many records went."""
    with engine().begin() as conn:
        removed = conn.execute(delete(profiles).where(profiles.c.sender_id == sender_id)).rowcount
        removed += conn.execute(
            delete(dossiers).where(dossiers.c.sender_id == sender_id, dossiers.c.status == "nháp")
        ).rowcount
        return removed


def create_dossier(sender_id: str, procedure_code: str, form_id: str, data: dict[str, str]) -> dict[str, Any]:
    """Save a completed declaration as a draft dossier with a code like HS-2026-000123."""
    with engine().begin() as conn:
        dossier_id = conn.execute(dossiers.insert().values(
            access_key=secrets.token_urlsafe(24), sender_id=sender_id, procedure_code=procedure_code, form_id=form_id,
            data=data, status="nháp", created_at=now(), updated_at=now(),
        )).inserted_primary_key[0]
        code = f"HS-{now().year}-{dossier_id:06d}"
        conn.execute(update(dossiers).where(dossiers.c.id == dossier_id).values(code=code))
        return dict(conn.execute(select(dossiers).where(dossiers.c.id == dossier_id)).mappings().one())


def get_dossier(code: str) -> dict[str, Any] | None:
    with engine().connect() as conn:
        row = conn.execute(select(dossiers).where(dossiers.c.code == code.upper())).mappings().first()
        return dict(row) if row else None


def set_dossier_status(code: str, status: str, note: str | None) -> dict[str, Any] | None:
    if status not in DOSSIER_STATUSES:
        raise ValueError(status)
    with engine().begin() as conn:
        conn.execute(update(dossiers).where(dossiers.c.code == code.upper()).values(
            status=status, note=note, updated_at=now()))
    return get_dossier(code)
