"""What belongs to one citizen: the profile kept with consent, and dossier drafts."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, String, Table, Text, delete, select, update

from dossiers.status import DossierStatus
from storage.db import engine, first, metadata, now

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
    Column("status", String(32), nullable=False),  # a DossierStatus code
    Column("note", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    sqlite_autoincrement=True,  # a dossier number is never given again, even after a deletion
)


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
            delete(dossiers).where(dossiers.c.sender_id == sender_id, dossiers.c.status == DossierStatus.DRAFT)
        ).rowcount
        return removed


def create_dossier(sender_id: str, procedure_code: str, form_id: str, data: dict[str, str]) -> dict[str, Any]:
    """Save a completed declaration as a draft dossier with a code like HS-2026-000123."""
    with engine().begin() as conn:
        dossier_id = conn.execute(dossiers.insert().values(
            access_key=secrets.token_urlsafe(24), sender_id=sender_id, procedure_code=procedure_code, form_id=form_id,
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
