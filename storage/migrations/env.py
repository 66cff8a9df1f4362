"""Alembic environment: runs on the engine handed over by ``storage.migrate`` (online mode only)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

import storage.analytics
import storage.audit
import storage.channels
import storage.citizens
import storage.handover
import storage.identities  # noqa: F401 - every table module, so the metadata is complete
from storage.db import metadata

# Replicas may start together: PostgreSQL serialises their upgrades on one advisory lock.
ADVISORY_LOCK_ID = 727_001


def run_migrations_online() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_ID})"))
            context.run_migrations()


run_migrations_online()
