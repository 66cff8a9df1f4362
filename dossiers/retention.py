"""Deletion and retention of what is kept about citizens, everywhere it lives: the app store and
Rasa's tracker store (every event of a conversation, so everything typed into forms).

- ``erase_conversation(conversation_id)``: "xóa thông tin của tôi" — the signed-in citizen's profile
  and the sign-in, draft dossiers, handover transcripts and outbox, feedback, and the conversation's
  tracker events.
- ``purge(older_than)``: conversations whose last event is older go from the tracker store;
  handovers closed before it with their transcripts; sign-ins older than it; ratings' question text; and the analytics
  question log is masked again with the current masker.

``python -m dossiers.retention [--days 30]`` runs ``purge``: the supervisor runs it daily; in
production run it from cron or a Kubernetes CronJob with the same environment as the gateway.
"""

from __future__ import annotations

import argparse
import logging
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from sqlalchemy import Column, Float, MetaData, String, Table, delete, func, inspect, select, update
from sqlalchemy.engine import URL, Engine

from common.privacy import mask_pii
from dossiers.settings import dossier_settings
from storage import analytics, citizens, handover, identities
from storage.db import checkpoint, open_engine
from storage.db import engine as app_engine

logger = logging.getLogger(__name__)
# What the action that deleted a citizen's data puts in its reply so the gateway erases the rest
# once Rasa has saved the turn (deleting tracker events during the turn would be written back).
ERASE_MARK = "erase_conversation"

# Rasa's SQL tracker store keeps one row an event (rasa/core/tracker_store.py, SQLTrackerStore).
_tracker_metadata = MetaData()
tracker_events = Table(
    "events", _tracker_metadata,
    Column("sender_id", String(255)), Column("timestamp", Float),
)


@lru_cache(maxsize=4)
def _tracker_engine(url: str) -> Engine:
    return open_engine(url)


def tracker_engine() -> Engine:
    """Rasa's tracker store, from the same ``TRACKER_DB_*`` settings Rasa reads."""
    s = dossier_settings()
    if s.tracker_db_dialect == "sqlite":
        url = URL.create("sqlite", database=s.tracker_db_name)
    else:
        url = URL.create("postgresql+psycopg", username=s.tracker_db_user or None, password=s.tracker_db_password or None,
                         host=s.tracker_db_host or None, port=s.tracker_db_port, database=s.tracker_db_name)
    return _tracker_engine(url.render_as_string(hide_password=False))


def _has_events_table(engine: Engine) -> bool:
    return inspect(engine).has_table("events")


def erase_conversation(conversation_id: str) -> int:
    """Everything kept about one conversation; returns how many rows went."""
    removed = citizens.delete_personal_data(conversation_id)
    removed += handover.delete_conversation(conversation_id)
    removed += analytics.delete_feedback(conversation_id)
    removed += analytics.delete_questions(conversation_id)
    engine = tracker_engine()
    if _has_events_table(engine):
        with engine.begin() as conn:
            removed += conn.execute(delete(tracker_events).where(tracker_events.c.sender_id == conversation_id)).rowcount
    # Nothing of it left in a SQLite write-ahead log either (Rasa's tracker store runs in WAL mode).
    checkpoint(app_engine())
    checkpoint(engine)
    logger.info("erased %d rows of one conversation", removed)
    return removed


def purge(older_than: timedelta) -> dict[str, int]:
    """Remove what is older than the retention period; returns counts per kind."""
    cutoff = datetime.now(UTC) - older_than
    counts = {"tracker_events": 0}
    engine = tracker_engine()
    if _has_events_table(engine):
        with engine.begin() as conn:
            stale = (select(tracker_events.c.sender_id).group_by(tracker_events.c.sender_id)
                     .having(func.max(tracker_events.c.timestamp) < cutoff.timestamp()))
            counts["tracker_events"] = conn.execute(
                delete(tracker_events).where(tracker_events.c.sender_id.in_(stale.scalar_subquery()))).rowcount
    counts["handovers"] = handover.delete_closed_before(cutoff)
    counts["sign_ins"] = identities.forget_before(cutoff)
    counts["feedback"] = analytics.forget_feedback_text_before(cutoff)
    counts["questions_masked"] = remask_questions()
    checkpoint(app_engine())
    checkpoint(engine)
    return counts


def remask_questions() -> int:
    """Mask the analytics question log again (the masker learns new formats; old rows must follow)."""
    changed = 0
    with app_engine().begin() as conn:
        for row in conn.execute(select(analytics.questions.c.id, analytics.questions.c.question)).all():
            masked = mask_pii(row.question)
            if masked != row.question:
                conn.execute(update(analytics.questions).where(analytics.questions.c.id == row.id).values(question=masked))
                changed += 1
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m dossiers.retention", description=__doc__)
    parser.add_argument("--days", type=float, default=dossier_settings().retention_days)
    args = parser.parse_args()
    started = time.monotonic()
    counts = purge(timedelta(days=args.days))
    print(f"retention ({args.days:g} days): {counts} in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
