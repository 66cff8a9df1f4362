"""Ratings of the assistant's answers ("Hữu ích"/"Chưa đúng" or 1–5 stars), stored with procedure and question."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from starlette.concurrency import run_in_threadpool

from actions import messages as m
from actions.procedures import buttons, reply_to_named_procedure, reply_to_pending
from bot.vietnamese import canonical
from storage import analytics

RATING_WORDS = 3  # "cho 5 điểm", "4 sao nhé": a rating is said in a few words
POSITIVE = ("huu ich", "hai long", "tot", "hay", "tuyet", "chinh xac", "dung roi")
NEGATIVE = ("sai", "khong dung", "khong huu ich", "khong hai long", "te", "do", "chua dung", "dai dong")


def rating_from(tracker: Tracker) -> int | None:
    """1..5 from the button's entity, "N sao", or positive/negative words."""
    text = tracker.latest_message.get("text") or ""
    # A number the NLU read in a typed sentence ("làm vneid mức 2") is no rating; a button's or "5" is.
    said_in_a_sentence = not text.startswith("/") and len(text.split()) > RATING_WORDS
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == "rating" and str(entity.get("value")).isdigit() and not said_in_a_sentence:
            return max(1, min(5, int(entity["value"])))
    folded = f" {canonical(text).lower()} "
    stars = re.search(r"\b([1-5])\s*(sao|diem|\*)", folded)
    if stars:
        return int(stars.group(1))
    if any(f" {w} " in folded for w in NEGATIVE):
        return 1
    if any(f" {w} " in folded for w in POSITIVE):
        return 5
    return None


def last_question(tracker: Tracker) -> str | None:
    for event in reversed(tracker.events):
        if event.get("event") == "user" and (event.get("parse_data") or {}).get("intent", {}).get("name") == "ask_procedure":
            return event.get("text")
    return None


class ActionRecordFeedback(Action):
    def name(self) -> str:
        return "action_record_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        replied = await reply_to_pending(dispatcher, tracker)  # "cháu 8 tuổi": an age, not a rating
        if replied is not None:
            return replied
        rating = rating_from(tracker)
        if rating is None:
            replied = await reply_to_named_procedure(dispatcher, tracker, suggest_if_named=True)  # "tạm nghỉ bán hàng 3 tháng"
            if replied is not None:
                return replied
            if not tracker.get_slot("current_procedure"):  # nothing answered yet to rate: "lam vneid muc 2"
                dispatcher.utter_message(text=m.FALLBACK_REPHRASE, buttons=buttons(m.FALLBACK_EXAMPLES))
                return []
            dispatcher.utter_message(text=m.FEEDBACK_ASK, buttons=buttons(m.RATING_BUTTONS))
            return []
        await run_in_threadpool(analytics.record_feedback, tracker.sender_id, rating,
                                tracker.get_slot("current_procedure"), last_question(tracker))
        dispatcher.utter_message(text=m.FEEDBACK_THANKS if rating >= 4 else m.FEEDBACK_SORRY)
        return []
