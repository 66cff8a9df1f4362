"""Hand a conversation over to a human officer (queue in the SQL store)."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from starlette.concurrency import run_in_threadpool

from actions import messages as m
from actions.complaints import reply_to_complaint
from actions.procedures import (
    OFFICER_WORDS,
    reply_about_current,
    reply_to_named_procedure,
    reply_to_pending,
    reply_to_story,
)
from dossiers.answers import folded
from storage import handover

HISTORY_MESSAGES = 12
# What asks for a person (folded), besides OFFICER_WORDS: "có ai trực không", "kết nối giúp tôi". Without
# it, "có người xuống thẩm định không" asks about the procedure, though the NLU heard "người" as a call.
ASKS_FOR_PERSON = re.compile(r"\b(gap|noi chuyen|ket noi|chuyen may|chuyen cho|goi|ho tro|tu van|tong dai|"
                             r"nguoi that|ai truc|ai tra loi|giup toi|giup em|giup minh)\b")


def recent_history(tracker: Tracker) -> list[tuple[str, str]]:
    """The last user and bot texts, oldest first, for the officer's context."""
    lines = []
    for event in tracker.events:
        if event.get("event") == "user" and event.get("text"):
            lines.append(("citizen", event["text"]))
        elif event.get("event") == "bot" and event.get("text"):
            lines.append(("bot", event["text"]))
    return lines[-HISTORY_MESSAGES:]


def client_of(tracker: Tracker) -> str | None:
    """The client that sent the latest message: the gateway's keyed hash of its address, which the
    gateway alone sets (``metadata.client``, connectors/core.py); None for Telegram and Zalo."""
    client = ((tracker.latest_message or {}).get("metadata") or {}).get("client")
    return str(client)[:64] if client else None


class ActionHandover(Action):
    def name(self) -> str:
        return "action_handover"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        complaint = reply_to_complaint(dispatcher, tracker)  # "cán bộ gây khó dễ": the complaints channel first
        if complaint is not None:
            return complaint
        if not OFFICER_WORDS.search(tracker.latest_message.get("text") or ""):  # "không, cho tôi gặp cán bộ" is
            # a call for an officer even while a yes/no question is pending; without officer words it may be
            # a reply ("không, đều là người Việt") or a procedure question ("thẻ tạm trú cho chồng tôi người Nhật")
            replied = await reply_to_pending(dispatcher, tracker)
            if replied is None and not ASKS_FOR_PERSON.search(folded(tracker.latest_message.get("text") or "")):
                replied = await reply_about_current(dispatcher, tracker)  # "có người xuống thẩm định không"
            if replied is None:
                replied = await reply_to_story(dispatcher, tracker)
            if replied is None:
                replied = await reply_to_named_procedure(dispatcher, tracker)
            if replied is not None:
                return replied
        channel = tracker.get_latest_input_channel() or "rest"
        try:
            await run_in_threadpool(handover.open_handover, channel, tracker.sender_id, recent_history(tracker),
                                    client_of(tracker))
        except handover.QueueFull:
            dispatcher.utter_message(text=m.HANDOVER_CLIENT_BUSY)
            return []
        dispatcher.utter_message(text=m.HANDOVER_QUEUED)
        return []
