"""Channel plumbing shared across gateway replicas: button payload keys, OAuth tokens, webhook de-dup."""

from __future__ import annotations

import contextlib
import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, String, Table, Text, select, update
from sqlalchemy.exc import IntegrityError

from storage.db import engine, first, metadata, now

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
PAYLOAD_KEY_CHARS = 24  # Telegram's callback_data holds 64 bytes


def payload_key(payload: str) -> str:
    """A short stable key for a button payload."""
    key = hashlib.sha256(payload.encode()).hexdigest()[:PAYLOAD_KEY_CHARS]
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
        return first(conn, select(channel_tokens).where(channel_tokens.c.channel == channel))


def seed_tokens(channel: str, access_token: str, refresh_token: str) -> None:
    """Store the operator's initial token pair unless a (newer) pair is already stored."""
    with contextlib.suppress(IntegrityError), engine().begin() as conn:
        conn.execute(channel_tokens.insert().values(channel=channel, access_token=access_token,
                                                    refresh_token=refresh_token))


def swap_tokens(channel: str, old_refresh: str, access_token: str, refresh_token: str, expires_at: datetime) -> bool:
    """Replace the pair atomically, only if nobody else refreshed with ``old_refresh`` first."""
    with engine().begin() as conn:
        result = conn.execute(
            update(channel_tokens)
            .where(channel_tokens.c.channel == channel, channel_tokens.c.refresh_token == old_refresh)
            .values(access_token=access_token, refresh_token=refresh_token, expires_at=expires_at)
        )
        return result.rowcount == 1
