"""The engine (one a process, schema migrated on first use), the shared metadata and row helpers."""

from __future__ import annotations

import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Executable, MetaData, create_engine, event
from sqlalchemy.engine import Engine

from storage.settings import storage_settings

logger = logging.getLogger(__name__)
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
                private_file(Path(url.removeprefix("sqlite:///")))
            created = open_engine(url)
            from storage.migrate import upgrade  # local: migrations import every table module

            upgrade(created)
            _engines[url] = created
    return _engines[url]


def private_file(path: Path) -> None:
    """Create the SQLite file ``path`` (and its folder) readable and writable by its owner only, or
    make an existing one so: it holds citizens' personal data. SQLite gives its journal and
    write-ahead log the database file's permissions."""
    if str(path) in {"", ":memory:"}:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # an empty file is an empty database
    os.chmod(path, 0o600)


def open_engine(url: str) -> Engine:
    """An engine on ``url``; on SQLite, what is deleted is overwritten with zeros (``secure_delete``, which
    not every SQLite build turns on by default) rather than left in the file's free pages."""
    created = create_engine(url, pool_pre_ping=True)
    if created.dialect.name == "sqlite":
        event.listen(created, "connect", _overwrite_deleted)
    return created


def _overwrite_deleted(connection: Any, _record: Any) -> None:
    connection.execute("PRAGMA secure_delete=ON")


def checkpoint(engine: Engine) -> None:
    """After personal data was deleted: on SQLite in WAL mode (Rasa's tracker store), the log still holds
    the pages as they were before; they are copied into the database and the log emptied. A reader in
    the middle of a transaction can hold part of the log back: then the next erasure or the daily
    retention run finishes it. PostgreSQL: nothing to do here."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        busy, _, _ = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:
        logger.warning("write-ahead log of %s not emptied: a reader holds it", engine.url.database)


def first(conn: Connection, query: Executable) -> dict[str, Any] | None:
    """The first row of ``query`` as a dict, or None."""
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def every(conn: Connection, query: Executable) -> list[dict[str, Any]]:
    """All rows of ``query`` as dicts."""
    return [dict(row) for row in conn.execute(query).mappings()]
