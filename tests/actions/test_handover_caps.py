"""A citizen whose client already has conversations waiting for an officer gets a polite Vietnamese
answer, never an error (attack run 3: one client filled the officers' queue)."""

from rasa_sdk import Tracker

from actions import messages as m
from actions.handover import ActionHandover, client_of
from tests.actions.conversation import run, texts


def asking(sender: str, client: str | None) -> Tracker:
    text = "cho tôi gặp cán bộ"
    metadata = {"client": client} if client else {}
    events = [{"event": "user", "text": text, "input_channel": "web", "metadata": metadata,
               "parse_data": {"intent": {"name": "handover"}, "entities": []}}]
    latest = {"text": text, "intent": {"name": "handover"}, "entities": [], "metadata": metadata}
    return Tracker(sender, {}, latest, events, False, None, {}, "action_listen")


def test_the_client_comes_from_the_gateway_set_metadata():
    assert client_of(asking("web:a", "k" * 32)) == "k" * 32 and client_of(asking("web:a", None)) is None


def test_a_client_over_its_cap_is_answered_politely(app_db, monkeypatch):
    from storage import handover

    monkeypatch.delenv("HANDOVER_WAITING_PER_CLIENT", raising=False)
    handover.handover_settings.cache_clear()
    said = [texts(run(ActionHandover(), asking(f"web:c{i}", "client-a"))[1]) for i in range(4)]
    assert said[:3] == [m.HANDOVER_QUEUED] * 3 and said[3] == m.HANDOVER_CLIENT_BUSY
    assert "thử lại sau" in m.HANDOVER_CLIENT_BUSY
    assert len(handover.list_handovers("waiting")) == 3
    assert texts(run(ActionHandover(), asking("web:other", "client-b"))[1]) == m.HANDOVER_QUEUED
