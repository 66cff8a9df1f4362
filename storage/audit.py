"""What staff did: who replied to, closed or changed what, and when (never the message itself)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, DateTime, Integer, String, Table, select

from storage.db import engine, every, metadata, now

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(64), nullable=False),  # the officer's name, or the bearer token's role
    Column("action", String(32), nullable=False),  # reply | take | close | dossier_status | alias | alias_removed
    Column("target", String(64), nullable=False),  # handover id, dossier code or an alias's procedure code
    Column("detail", String(255)),  # e.g. the new status code, an alias's "#id phrase"
)


def record(actor: str, action: str, target: str, detail: str | None = None) -> None:
    """``actor`` is who is signed in (the session's officer, or the bearer token's role), never a name
    the request body gives."""
    with engine().begin() as conn:
        conn.execute(audit.insert().values(at=now(), actor=actor[:64], action=action, target=target[:64],
                                           detail=detail[:255] if detail else detail))


def entries(limit: int = 100) -> list[dict[str, Any]]:
    with engine().connect() as conn:
        return every(conn, select(audit).order_by(audit.c.id.desc()).limit(limit))
