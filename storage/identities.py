"""Proven identities: which citizen (an OpenID Connect subject) a conversation is signed in as.

A conversation gets an identity only through the gateway's login: a one-time login link issued to
that conversation (the widget's button, or a link the bot sends into a Telegram/Zalo chat), then the
OpenID Connect provider's signed ID token. Only then is anything personal kept, prefilled or shown.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Column, DateTime, String, Table, delete, select

from storage.db import engine, metadata, now

LOGIN_LINK_LIFETIME = timedelta(minutes=15)
# What an action puts in a reply to offer a login; the gateway turns it into a one-time link button
# where a login can be bound to the conversation (not a shared kiosk, not a client-named REST sender).
LOGIN_MARK = "offer_login"

login_links = Table(
    "login_links",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("conversation_id", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
identity_links = Table(
    "identity_links",
    metadata,
    Column("conversation_id", String(128), primary_key=True),
    Column("citizen_id", String(64), nullable=False, index=True),
    Column("linked_at", DateTime(timezone=True), nullable=False),
)


def new_login_link(conversation_id: str) -> str:
    """A one-time id that starts a login for this conversation (valid ``LOGIN_LINK_LIFETIME``)."""
    link_id = secrets.token_urlsafe(24)
    with engine().begin() as conn:
        conn.execute(delete(login_links).where(login_links.c.created_at < now() - LOGIN_LINK_LIFETIME))
        conn.execute(login_links.insert().values(id=link_id, conversation_id=conversation_id, created_at=now()))
    return link_id


def take_login_link(link_id: str) -> str | None:
    """The conversation a login link was issued to, once: a used or expired link gives None."""
    with engine().begin() as conn:
        conversation_id = conn.execute(select(login_links.c.conversation_id).where(
            login_links.c.id == link_id, login_links.c.created_at >= now() - LOGIN_LINK_LIFETIME)).scalar()
        conn.execute(delete(login_links).where(login_links.c.id == link_id))
    return conversation_id


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
        return conn.execute(delete(identity_links).where(identity_links.c.conversation_id == conversation_id)).rowcount


def forget_before(cutoff: datetime) -> int:
    """Sign-ins older than ``cutoff`` (the citizen signs in again). Expired login links go whenever a
    new link is made (``new_login_link``)."""
    with engine().begin() as conn:
        return conn.execute(delete(identity_links).where(identity_links.c.linked_at < cutoff)).rowcount
