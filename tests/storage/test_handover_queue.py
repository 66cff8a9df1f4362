"""The officers' waiting queue: one client (the gateway's keyed hash of its address) keeps only a few
conversations waiting and hands over only so many an hour; waiting ones nobody took expire (attack run 3)."""

from datetime import timedelta

import pytest
from sqlalchemy import update


@pytest.fixture()
def queue(app_db, monkeypatch):
    from storage import handover

    for name in ("HANDOVER_WAITING_HOURS", "HANDOVER_WAITING_PER_CLIENT", "HANDOVER_PER_CLIENT_PER_HOUR"):
        monkeypatch.delenv(name, raising=False)
    handover.handover_settings.cache_clear()
    yield handover
    handover.handover_settings.cache_clear()


def test_one_client_keeps_only_a_few_conversations_waiting(queue):
    first = [queue.open_handover("web", f"web:c{i}", [], client="client-a") for i in range(3)]
    with pytest.raises(queue.QueueFull):
        queue.open_handover("web", "web:c3", [], client="client-a")
    assert queue.open_handover("web", "web:c0", [], client="client-a") == first[0]  # its own: the same entry
    assert queue.open_handover("web", "web:other", [], client="client-b")  # another client is not held back
    assert queue.open_handover("telegram", "telegram:1", [])  # vouched-for channels carry no client
    assert len(queue.list_handovers("waiting")) == 5
    queue.take_handover(first[0], "cán bộ")  # taken: no longer waiting, so the client may ask once more
    assert queue.open_handover("web", "web:c3", [], client="client-a")


def test_one_client_hands_over_only_so_many_conversations_an_hour(queue, monkeypatch):
    monkeypatch.setenv("HANDOVER_WAITING_PER_CLIENT", "100")
    monkeypatch.setenv("HANDOVER_PER_CLIENT_PER_HOUR", "2")
    queue.handover_settings.cache_clear()
    for i in range(2):
        queue.close_handover(queue.open_handover("rest", f"rest:u{i}", [], client="client-a"))
    with pytest.raises(queue.QueueFull):
        queue.open_handover("rest", "rest:u2", [], client="client-a")
    with queue.engine().begin() as conn:  # an hour later
        conn.execute(update(queue.handovers).values(created_at=queue.now() - timedelta(hours=1, minutes=1)))
    assert queue.open_handover("rest", "rest:u2", [], client="client-a")


def test_a_waiting_conversation_nobody_took_expires(queue, monkeypatch):
    monkeypatch.setenv("HANDOVER_WAITING_HOURS", "2")
    queue.handover_settings.cache_clear()
    old = queue.open_handover("rest", "rest:old", [("citizen", "cho tôi gặp cán bộ")], client="client-a")
    served = queue.open_handover("rest", "rest:served", [], client="client-b")
    queue.take_handover(served, "cán bộ")
    new = queue.open_handover("rest", "rest:new", [], client="client-c")
    assert queue.waiting_ahead(new) == 1
    with queue.engine().begin() as conn:
        conn.execute(update(queue.handovers).where(queue.handovers.c.id.in_([old, served]))
                     .values(created_at=queue.now() - timedelta(hours=3)))
    assert queue.active_handover("rest:old") is None  # the citizen's next message goes to the bot
    assert queue.active_handover("rest:served")["id"] == served  # an officer's conversation never expires
    assert queue.waiting_ahead(new) == 0
    assert [h["id"] for h in queue.list_handovers("waiting")] == [new]
    assert queue.get_handover(old)["status"] == "closed"
    assert queue.open_handover("rest", "rest:old", [], client="client-a") not in {old, served, new}


def test_the_expiry_and_the_caps_are_settings_with_sensible_defaults(queue):
    settings = queue.handover_settings()
    assert settings.handover_waiting_hours == 8
    assert settings.handover_waiting_per_client == 3 and settings.handover_per_client_per_hour == 6
