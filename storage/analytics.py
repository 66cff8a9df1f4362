"""What citizens asked and how they rated the answers, for the staff's analytics."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Table, Text, case, delete, func, select, update

from common.privacy import mask_pii
from storage.db import engine, metadata, now

questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("question", Text, nullable=False),
    Column("procedure_code", String(32)),
    Column("confident", Boolean, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("channel", String(32)),  # rest | web | kiosk | telegram | zalo (migration 0007; older rows: none)
    # Its conversation, hashed (migration 0009; older rows: none): erasing the conversation removes it.
    Column("conversation_hash", String(64), index=True),
)
feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(128), nullable=False),
    Column("procedure_code", String(32)),
    Column("question", Text),
    Column("rating", Integer, nullable=False),  # 1..5 (Hữu ích = 5, Chưa đúng = 1)
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)
STORED_QUESTION_CHARS = 500


def conversation_hash(conversation_id: str) -> str:
    """What ties a question to its conversation, without the conversation's id in the analytics."""
    return hashlib.sha256(conversation_id.encode()).hexdigest()


def record_question(question: str, procedure_code: str | None, confident: bool, channel: str | None = None,
                    conversation_id: str | None = None) -> None:
    with engine().begin() as conn:
        conn.execute(questions.insert().values(
            question=mask_pii(question)[:STORED_QUESTION_CHARS], procedure_code=procedure_code,
            confident=confident, at=now(), channel=channel,
            conversation_hash=conversation_hash(conversation_id) if conversation_id else None,
        ))


def delete_questions(conversation_id: str) -> int:
    """The questions asked in one conversation (its erasure)."""
    with engine().begin() as conn:
        return conn.execute(delete(questions).where(questions.c.conversation_hash == conversation_hash(conversation_id))).rowcount


def record_feedback(sender_id: str, rating: int, procedure_code: str | None, question: str | None) -> None:
    with engine().begin() as conn:
        conn.execute(feedback.insert().values(
            sender_id=sender_id, rating=rating, procedure_code=procedure_code,
            question=mask_pii(question)[:STORED_QUESTION_CHARS] if question else None, at=now(),
        ))


def delete_feedback(sender_id: str) -> int:
    with engine().begin() as conn:
        return conn.execute(delete(feedback).where(feedback.c.sender_id == sender_id)).rowcount


def forget_feedback_text_before(cutoff: datetime) -> int:
    """Ratings older than ``cutoff`` keep their score, lose the question text and who gave them."""
    with engine().begin() as conn:
        return conn.execute(update(feedback).where(feedback.c.at < cutoff, feedback.c.question.is_not(None))
                            .values(question=None, sender_id="")).rowcount


def analytics(since: datetime, until: datetime, top: int = 10) -> dict[str, Any]:
    """Top procedures asked, questions the bot could not answer, satisfaction, and both per day, over a period."""
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
        day = func.date(questions.c.at)
        per_day = conn.execute(
            select(day.label("day"), questions.c.channel, func.count().label("count"))
            .where(in_period).group_by(day, questions.c.channel).order_by(day)
        ).all()
        rated_day = func.date(feedback.c.at)
        rated = conn.execute(
            select(rated_day.label("day"), func.count().label("ratings"),
                   func.sum(case((feedback.c.rating >= 4, 1), else_=0)).label("satisfied"))
            .where(feedback.c.at.between(since, until)).group_by(rated_day).order_by(rated_day)
        ).all()
    satisfied = sum(1 for r in ratings if r >= 4)
    return {
        "questions_per_day": [{"day": str(r.day), "channel": r.channel or "khác", "count": r.count} for r in per_day],
        "satisfaction_per_day": [{"day": str(r.day), "ratings": r.ratings, "rate": round(r.satisfied / r.ratings, 3)}
                                 for r in rated],
        "since": since.isoformat(),
        "until": until.isoformat(),
        "top_procedures": [{"code": r.procedure_code, "count": r.count} for r in top_rows],
        "unanswered_questions": [{"question": r.question, "count": r.count} for r in unanswered],
        "ratings": len(ratings),
        "satisfaction_rate": round(satisfied / len(ratings), 3) if ratings else None,
    }
