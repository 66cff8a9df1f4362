"""Learned aliases: a phrase citizens use, tied by an officer to a procedure (used by the search at
once, exported to the catalogue's data files for review). The caller gives the phrase's matching key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, DateTime, Integer, String, Table, delete, select

from storage.db import engine, every, metadata, now

learned_aliases = Table(
    "learned_aliases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("phrase", String(200), nullable=False),  # as the officer typed it
    Column("phrase_key", String(200), nullable=False, unique=True),  # the form the search compares
    Column("procedure_code", String(32), nullable=False),
    Column("added_by", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    sqlite_autoincrement=True,  # an id is never given again (the audit names aliases by id)
)


def add(phrase: str, phrase_key: str, procedure_code: str, added_by: str) -> dict[str, Any]:
    """Tie ``phrase`` to a procedure; the same phrase again moves it to the new procedure."""
    with engine().begin() as conn:
        conn.execute(delete(learned_aliases).where(learned_aliases.c.phrase_key == phrase_key))
        conn.execute(learned_aliases.insert().values(phrase=phrase, phrase_key=phrase_key, procedure_code=procedure_code,
                                                     added_by=added_by[:64], at=now()))
        return every(conn, select(learned_aliases).where(learned_aliases.c.phrase_key == phrase_key))[0]


def remove(alias_id: int) -> dict[str, Any] | None:
    """The alias removed, or None when there is none of that id."""
    with engine().begin() as conn:
        found = every(conn, select(learned_aliases).where(learned_aliases.c.id == alias_id))
        conn.execute(delete(learned_aliases).where(learned_aliases.c.id == alias_id))
    return found[0] if found else None


def listed() -> list[dict[str, Any]]:
    with engine().connect() as conn:
        return every(conn, select(learned_aliases).order_by(learned_aliases.c.id))


def keys() -> dict[str, str]:
    """phrase key -> procedure code, for the search."""
    with engine().connect() as conn:
        return dict(conn.execute(select(learned_aliases.c.phrase_key, learned_aliases.c.procedure_code)).all())
