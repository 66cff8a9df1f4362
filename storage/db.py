"""The engine (one a process, schema migrated on first use), the shared metadata and row helpers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Executable, MetaData, create_engine
from sqlalchemy.engine import Engine

from storage.settings import storage_settings

metadata = MetaData()

_engines: dict[str, Engine] = {}
_lock = threading.Lock()
_url: str | None = None


def now() -> datetime:
    return datetime.now(UTC)


def configure(url: str | None) -> None:
    """Point this process at another database (tests, tools); None goes back to the settings."""
    global _url
    _url = url


def engine() -> Engine:
    """The engine for the configured database, created (and its schema upgraded) on first use."""
    url = _url or storage_settings().database_url
    with _lock:
        if url not in _engines:
            if url.startswith("sqlite:///"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            created = create_engine(url, pool_pre_ping=True)
            from storage.migrate import upgrade  # local: migrations import every table module

            upgrade(created)
            _engines[url] = created
    return _engines[url]


def first(conn: Connection, query: Executable) -> dict[str, Any] | None:
    """The first row of ``query`` as a dict, or None."""
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def every(conn: Connection, query: Executable) -> list[dict[str, Any]]:
    """All rows of ``query`` as dicts."""
    return [dict(row) for row in conn.execute(query).mappings()]
