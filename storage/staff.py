"""Staff accounts of the officers' console: a username, the name shown to citizens, a password hash
(made and checked by the gateway, never a password)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, DateTime, String, Table, delete, select

from storage.db import engine, first, metadata, now

staff_accounts = Table(
    "staff_accounts",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("display_name", String(64), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def save_account(username: str, display_name: str, password_hash: str) -> None:
    """Create the account, or replace its name and password."""
    with engine().begin() as conn:
        conn.execute(delete(staff_accounts).where(staff_accounts.c.username == username))
        conn.execute(staff_accounts.insert().values(username=username, display_name=display_name,
                                                    password_hash=password_hash, created_at=now()))


def get_account(username: str) -> dict[str, Any] | None:
    with engine().connect() as conn:
        return first(conn, select(staff_accounts).where(staff_accounts.c.username == username))


def set_password_hash(username: str, password_hash: str) -> None:
    """A rehash with stronger parameters, after a successful login."""
    with engine().begin() as conn:
        conn.execute(staff_accounts.update().where(staff_accounts.c.username == username)
                     .values(password_hash=password_hash))
