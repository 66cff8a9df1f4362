"""What belongs to one citizen: the profile kept with consent for a proven identity, and dossiers.

Profiles are keyed by the citizen (``storage.identities``), never by a conversation: a conversation
nobody signed in to has no profile to read or write.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, String, Table, Text, delete, or_, select, update

from common.status import DossierStatus
from storage.db import engine, every, first, metadata, now
from storage.identities import citizen_of, unlink

profiles = Table(
    "profiles",
    metadata,
    Column("citizen_id", String(64), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("consented_at", DateTime(timezone=True), nullable=False),
)
dossiers = Table(
    "dossiers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(32), unique=True),
    Column("access_key", String(64), nullable=False),
    Column("sender_id", String(128), nullable=False, index=True),  # the conversation it was filled in
    Column("citizen_id", String(64), index=True),  # the signed-in citizen it was filed for, if any
    Column("procedure_code", String(32), nullable=False),
    Column("form_id", String(64), nullable=False),
    Column("data", JSON, nullable=False),
    Column("status", String(32), nullable=False),  # a DossierStatus code
    Column("note", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    sqlite_autoincrement=True,  # a dossier number is never given again, even after a deletion
)


def get_profile(citizen_id: str) -> dict[str, str] | None:
    with engine().connect() as conn:
        return conn.execute(select(profiles.c.data).where(profiles.c.citizen_id == citizen_id)).scalar()


def save_profile(citizen_id: str, data: dict[str, str]) -> None:
    """Merge ``data`` into the citizen's profile; call only after explicit consent."""
    with engine().begin() as conn:
        current = conn.execute(select(profiles.c.data).where(profiles.c.citizen_id == citizen_id)).scalar()
        if current is None:
            conn.execute(profiles.insert().values(citizen_id=citizen_id, data=data, consented_at=now()))
        else:
            conn.execute(update(profiles).where(profiles.c.citizen_id == citizen_id).values(data={**current, **data}))


def delete_personal_data(conversation_id: str) -> int:
    """"Xóa thông tin của tôi": the signed-in citizen's profile, draft dossiers (of this conversation
    and of the citizen) and the sign-in itself; returns how many records went."""
    citizen_id = citizen_of(conversation_id)
    owned = dossiers.c.sender_id == conversation_id
    if citizen_id:
        owned = or_(owned, dossiers.c.citizen_id == citizen_id)
    with engine().begin() as conn:
        removed = conn.execute(delete(dossiers).where(owned, dossiers.c.status == DossierStatus.DRAFT)).rowcount
        if citizen_id:
            removed += conn.execute(delete(profiles).where(profiles.c.citizen_id == citizen_id)).rowcount
    return removed + unlink(conversation_id)


def dossiers_of(citizen_id: str) -> list[dict[str, Any]]:
    """A signed-in citizen's dossiers, newest first."""
    with engine().connect() as conn:
        return every(conn, select(dossiers).where(dossiers.c.citizen_id == citizen_id).order_by(dossiers.c.id.desc()))


def dossiers_of_conversation(conversation_id: str) -> list[dict[str, Any]]:
    """The dossiers filled in one conversation, newest first."""
    with engine().connect() as conn:
        return every(conn, select(dossiers).where(dossiers.c.sender_id == conversation_id).order_by(dossiers.c.id.desc()))


def belongs_to(dossier: dict[str, Any], conversation_id: str, citizen_id: str | None) -> bool:
    """Whether a conversation may see a dossier: the one it was filled in, or its signed-in citizen's."""
    return dossier["sender_id"] == conversation_id or bool(citizen_id and dossier["citizen_id"] == citizen_id)


def create_dossier(sender_id: str, procedure_code: str, form_id: str, data: dict[str, str],
                   citizen_id: str | None = None) -> dict[str, Any]:
    """Save a completed declaration as a draft dossier with a code like HS-2026-000123."""
    with engine().begin() as conn:
        dossier_id = conn.execute(dossiers.insert().values(
            access_key=secrets.token_urlsafe(24), sender_id=sender_id, citizen_id=citizen_id, procedure_code=procedure_code, form_id=form_id,
            data=data, status=DossierStatus.DRAFT, created_at=now(), updated_at=now(),
        )).inserted_primary_key[0]
        code = f"HS-{now().year}-{dossier_id:06d}"
        conn.execute(update(dossiers).where(dossiers.c.id == dossier_id).values(code=code))
        return first(conn, select(dossiers).where(dossiers.c.id == dossier_id))


def get_dossier(code: str) -> dict[str, Any] | None:
    with engine().connect() as conn:
        return first(conn, select(dossiers).where(dossiers.c.code == code.upper()))


def set_dossier_status(code: str, status: DossierStatus, note: str | None) -> dict[str, Any] | None:
    with engine().begin() as conn:
        conn.execute(update(dossiers).where(dossiers.c.code == code.upper()).values(
            status=DossierStatus(status), note=note, updated_at=now()))
    return get_dossier(code)
