"""Drive actions in-process, as rasa-sdk would: a ``Tracker`` in, events and dispatched messages out."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def tracker(text: str = "", slots: dict | None = None, sender: str = "citizen", entities: list | None = None,
            intent: str = "ask_procedure", events: list | None = None, channel: str = "rest") -> Tracker:
    events = events or [{"event": "user", "text": text, "input_channel": channel,
                         "parse_data": {"intent": {"name": intent}, "entities": entities or []}}]
    return Tracker(sender, dict(slots or {}), {"text": text, "intent": {"name": intent}, "entities": entities or []},
                   events, False, None, {}, "action_listen")


def run(action: Any, track: Tracker) -> tuple[list[dict], list[dict]]:
    """(events, messages) of one action run."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return events, dispatcher.messages


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def slots_of(events: list[dict]) -> dict:
    """The slots an action run set, by name (the last value wins)."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
