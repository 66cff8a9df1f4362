"""Deletion everywhere and retention, on a tracker store with Rasa's own events table."""

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dossiers import retention
from dossiers.settings import dossier_settings

# The table Rasa 3.6's SQLTrackerStore creates (rasa/core/tracker_store.py).
RASA_EVENTS = """CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255)
NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""


@pytest.fixture()
def trackers(tmp_path, monkeypatch, app_db):
    path = tmp_path / "trackers.db"
    with sqlite3.connect(path) as db:
        db.execute(RASA_EVENTS)
    monkeypatch.setenv("TRACKER_DB_NAME", str(path))
    dossier_settings.cache_clear()
    yield path
    dossier_settings.cache_clear()


def add_events(path, sender, age_days, texts):
    at = time.time() - age_days * 86400
    with sqlite3.connect(path) as db:
        for text in texts:
            db.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, ?)",
                       (sender, at, f'{{"text": "{text}"}}'))


def events_of(path, sender):
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT data FROM events WHERE sender_id = ?", (sender,))]


def test_erasing_a_conversation_removes_it_everywhere(trackers):
    from storage import analytics, citizens, handover, identities

    me, other = "web:me", "web:other"
    add_events(trackers, me, 0, ["số CCCD của tôi 079192012345", "xóa thông tin của tôi"])
    add_events(trackers, other, 0, ["đăng ký khai sinh"])
    identities.link(me, "citizen-me")
    citizens.save_profile("citizen-me", {"id_number": "079192012345"})
    citizens.create_dossier(me, "1.004873", "f", {"purpose": "Kết hôn"})
    handover.open_handover("web", me, [("citizen", "cho tôi gặp cán bộ")])
    analytics.record_feedback(me, 5, "1.004873", "giấy độc thân")
    assert retention.erase_conversation(me) >= 7
    assert events_of(trackers, me) == [] and len(events_of(trackers, other)) == 1
    assert citizens.get_profile("citizen-me") is None and handover.active_handover(me) is None
    assert identities.citizen_of(me) is None
    assert analytics.analytics(datetime(2000, 1, 1, tzinfo=UTC), datetime.now(UTC))["ratings"] == 0


def test_erasing_a_conversation_removes_its_questions_from_the_analytics(trackers):
    """A question is kept masked, but the masker cannot know every identifier a citizen may type: the
    conversation's questions go with it when it is erased; others' stay."""
    from storage import analytics

    me, other = "web:me", "web:other"
    analytics.record_question("số hộ chiếu của tôi là X1234567 hỏi gia hạn", None, False, "web", conversation_id=me)
    analytics.record_question("đăng ký khai sinh", "1.001193", True, "web", conversation_id=other)
    retention.erase_conversation(me)
    period = analytics.analytics(datetime(2000, 1, 1, tzinfo=UTC), datetime.now(UTC))
    assert period["unanswered_questions"] == [] and period["top_procedures"] == [{"code": "1.001193", "count": 1}]


def test_purge_keeps_only_what_is_younger_than_the_retention_period(trackers):
    from storage import analytics, handover
    from storage.db import engine

    add_events(trackers, "web:old", 40, ["tôi ở Số 5 Lê Lợi"])
    add_events(trackers, "web:recent", 1, ["đăng ký tạm trú"])
    closed = handover.open_handover("web", "web:old", [("citizen", "alo")])
    handover.close_handover(closed)
    with engine().begin() as conn:
        conn.execute(handover.handovers.update().values(closed_at=datetime.now(UTC) - timedelta(days=40)))
        conn.execute(analytics.questions.insert().values(question="sđt 0912 345 678", confident=False, at=datetime.now(UTC)))
    from storage import identities

    identities.link("web:old", "citizen-old")
    identities.link("web:recent", "citizen-recent")
    with engine().begin() as conn:
        conn.execute(identities.identity_links.update().where(identities.identity_links.c.conversation_id == "web:old")
                     .values(linked_at=datetime.now(UTC) - timedelta(days=40)))
    counts = retention.purge(timedelta(days=30))
    assert counts["tracker_events"] == 1 and counts["handovers"] == 1 and counts["questions_masked"] == 1
    assert counts["sign_ins"] == 1 and identities.citizen_of("web:old") is None and identities.citizen_of("web:recent")
    assert events_of(trackers, "web:old") == [] and events_of(trackers, "web:recent")
    report = analytics.analytics(datetime(2000, 1, 1, tzinfo=UTC), datetime.now(UTC))
    assert report["unanswered_questions"][0]["question"] == "sđt 091* *** 678"


def test_nothing_erased_lingers_in_a_write_ahead_log_or_free_pages(trackers):
    """Rasa keeps its SQLite tracker store in WAL mode (bot/rasa_speedups.py) and holds it open: the log
    kept the erased events (a CCCD) until some later checkpoint."""
    from storage import citizens, identities
    from storage.db import engine

    with sqlite3.connect(trackers) as db:
        db.execute("PRAGMA journal_mode=WAL")
    rasa = sqlite3.connect(trackers)  # Rasa's own connection, open the whole time
    rasa.execute("SELECT count(*) FROM events").fetchall()
    cccd = "079192012345"
    me = "web:me"
    add_events(trackers, me, 0, [f"số CCCD của tôi {cccd}", "xóa thông tin của tôi"])
    add_events(trackers, "web:other", 0, ["đăng ký khai sinh"])
    identities.link(me, "citizen-me")
    citizens.save_profile("citizen-me", {"id_number": cccd})
    citizens.create_dossier(me, "1.004873", "f", {"id_number": cccd})
    wal = trackers.with_name("trackers.db-wal")
    assert cccd.encode() in wal.read_bytes()  # where it was left before
    retention.erase_conversation(me)
    app_db = engine().url.database
    for path in (wal, trackers, *(p for p in (Path(app_db), Path(f"{app_db}-wal")) if p.exists())):
        assert cccd.encode() not in path.read_bytes(), path
    assert rasa.execute("SELECT count(*) FROM events").fetchone() == (1,)  # the other conversation's
    rasa.close()
