"""Proven identities: which citizen (an OpenID Connect subject) a conversation is signed in as.

A conversation gets an identity only through the gateway's login: a one-time login link issued to
that conversation (the widget's button, or a link the bot sends into a Telegram/Zalo chat), then the
OpenID Connect provider's signed ID token. Only then is anything personal kept, prefilled or shown.

A link must not sign in whoever opens it: a link made for a browser is bound to it (the hash of a
cookie that browser got with the link); any other link — a chat's, opened in some other browser —
binds the conversation only once the code shown after the login is typed back into that same chat.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Column, DateTime, Integer, String, Table, delete, select, update

from storage.db import engine, first, metadata, now

LOGIN_LINK_LIFETIME = timedelta(minutes=15)
CONFIRMATION_LIFETIME = timedelta(minutes=10)
CONFIRMATION_ATTEMPTS = 5  # wrong codes typed into the chat before the pending sign-in is dropped
CODE_DIGITS = 6
# What an action puts in a reply to offer a login; the gateway turns it into a one-time link button
# where a login can be bound to the conversation (not a shared kiosk, not a client-named REST sender).
LOGIN_MARK = "offer_login"

login_links = Table(
    "login_links",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("conversation_id", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("browser_hash", String(64)),  # SHA-256 of the asking browser's cookie; None: a chat's link
)
# A sign-in done through a chat's link, waiting for its code to be typed back into that chat.
login_confirmations = Table(
    "login_confirmations",
    metadata,
    Column("conversation_id", String(128), primary_key=True),
    Column("citizen_id", String(64), nullable=False),
    Column("code", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
identity_links = Table(
    "identity_links",
    metadata,
    Column("conversation_id", String(128), primary_key=True),
    Column("citizen_id", String(64), nullable=False, index=True),
    Column("linked_at", DateTime(timezone=True), nullable=False),
)


def new_login_link(conversation_id: str, browser_hash: str | None = None) -> str:
    """A one-time id that starts a login for this conversation (valid ``LOGIN_LINK_LIFETIME``), bound
    to the browser whose cookie hashes to ``browser_hash``, or (None) to be confirmed in the chat."""
    link_id = secrets.token_urlsafe(24)
    with engine().begin() as conn:
        conn.execute(delete(login_links).where(login_links.c.created_at < now() - LOGIN_LINK_LIFETIME))
        conn.execute(login_links.insert().values(id=link_id, conversation_id=conversation_id, created_at=now(),
                                                 browser_hash=browser_hash))
    return link_id


def take_login_link(link_id: str) -> dict[str, str | None] | None:
    """The link's ``conversation_id`` and ``browser_hash``, once: a used or expired link gives None."""
    with engine().begin() as conn:
        found = first(conn, select(login_links.c.conversation_id, login_links.c.browser_hash).where(
            login_links.c.id == link_id, login_links.c.created_at >= now() - LOGIN_LINK_LIFETIME))
        conn.execute(delete(login_links).where(login_links.c.id == link_id))
    return found


def await_confirmation(conversation_id: str, citizen_id: str) -> str:
    """A chat's sign-in, pending until the returned one-time code is typed into that chat."""
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    with engine().begin() as conn:
        conn.execute(delete(login_confirmations).where(
            (login_confirmations.c.conversation_id == conversation_id)
            | (login_confirmations.c.created_at < now() - CONFIRMATION_LIFETIME)))
        conn.execute(login_confirmations.insert().values(conversation_id=conversation_id, citizen_id=citizen_id,
                                                         code=code, attempts=0, created_at=now()))
    return code


def confirm(conversation_id: str, code: str) -> bool | None:
    """The code typed into a chat: True when it completes that chat's pending sign-in (now bound),
    False for a wrong code (the pending sign-in is dropped after ``CONFIRMATION_ATTEMPTS``), None when
    the chat has no pending sign-in."""
    with engine().begin() as conn:
        pending = first(conn, select(login_confirmations).where(
            login_confirmations.c.conversation_id == conversation_id,
            login_confirmations.c.created_at >= now() - CONFIRMATION_LIFETIME))
        if pending is None:
            return None
        mine = login_confirmations.c.conversation_id == conversation_id
        if not secrets.compare_digest(pending["code"], code):
            if pending["attempts"] + 1 >= CONFIRMATION_ATTEMPTS:
                conn.execute(delete(login_confirmations).where(mine))
            else:
                conn.execute(update(login_confirmations).where(mine).values(attempts=pending["attempts"] + 1))
            return False
        conn.execute(delete(login_confirmations).where(mine))
        conn.execute(delete(identity_links).where(identity_links.c.conversation_id == conversation_id))
        conn.execute(identity_links.insert().values(conversation_id=conversation_id, citizen_id=pending["citizen_id"],
                                                    linked_at=now()))
    return True


def link(conversation_id: str, citizen_id: str) -> None:
    with engine().begin() as conn:
        conn.execute(delete(identity_links).where(identity_links.c.conversation_id == conversation_id))
        conn.execute(identity_links.insert().values(conversation_id=conversation_id, citizen_id=citizen_id,
                                                    linked_at=now()))


def citizen_of(conversation_id: str) -> str | None:
    """The proven identity this conversation is signed in as, or None (anonymous)."""
    with engine().connect() as conn:
        return conn.execute(select(identity_links.c.citizen_id)
                            .where(identity_links.c.conversation_id == conversation_id)).scalar()


def unlink(conversation_id: str) -> int:
    with engine().begin() as conn:
        conn.execute(delete(login_confirmations).where(login_confirmations.c.conversation_id == conversation_id))
        return conn.execute(delete(identity_links).where(identity_links.c.conversation_id == conversation_id)).rowcount


def forget_before(cutoff: datetime) -> int:
    """Sign-ins older than ``cutoff`` (the citizen signs in again). Expired login links go whenever a
    new link is made (``new_login_link``)."""
    with engine().begin() as conn:
        return conn.execute(delete(identity_links).where(identity_links.c.linked_at < cutoff)).rowcount
