"""Staff accounts of the officers' console: a username, the name shown to citizens, a password hash
(made and checked by the gateway, never a password), and the version of its sessions (a session cookie
names the version it was signed for: logging out or a new password moves it on, ending every session)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, DateTime, Integer, String, Table, select

from storage.db import engine, first, metadata, now

staff_accounts = Table(
    "staff_accounts",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("display_name", String(64), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("session_version", Integer, nullable=False, default=0, server_default="0"),
)


def save_account(username: str, display_name: str, password_hash: str) -> None:
    """Create the account, or replace its name and password (which ends its sessions)."""
    mine = staff_accounts.c.username == username
    with engine().begin() as conn:
        changed = conn.execute(staff_accounts.update().where(mine).values(
            display_name=display_name, password_hash=password_hash,
            session_version=staff_accounts.c.session_version + 1)).rowcount
        if not changed:
            conn.execute(staff_accounts.insert().values(username=username, display_name=display_name,
                                                        password_hash=password_hash, created_at=now(), session_version=0))


def end_sessions(username: str) -> None:
    """Every session cookie of this account stops working (a logout)."""
    with engine().begin() as conn:
        conn.execute(staff_accounts.update().where(staff_accounts.c.username == username)
                     .values(session_version=staff_accounts.c.session_version + 1))


def get_account(username: str) -> dict[str, Any] | None:
    with engine().connect() as conn:
        return first(conn, select(staff_accounts).where(staff_accounts.c.username == username))


def set_password_hash(username: str, password_hash: str) -> None:
    """A rehash with stronger parameters, after a successful login."""
    with engine().begin() as conn:
        conn.execute(staff_accounts.update().where(staff_accounts.c.username == username)
                     .values(password_hash=password_hash))
