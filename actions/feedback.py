"""Ratings of the assistant's answers ("Hữu ích"/"Chưa đúng" or 1–5 stars), stored with procedure and question."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from starlette.concurrency import run_in_threadpool

from actions import messages as m
from actions.procedures import buttons, read_turn, reply_to_named_procedure
from bot.vietnamese import canonical
from storage import analytics

JUDGING = ("huu ich", "hai long", "tot", "tuyet", "chinh xac", "dung roi", "sai", "khong dung", "chua dung",
           "dai dong", "danh gia")
# Typed right after "Bạn thấy câu trả lời vừa rồi thế nào?" or an answer: "4", "5 sao". Anything else typed is no
# rating ("so 1 hay so 2 a" once was five stars for its "hay"): ratings come from the buttons' payloads.
TYPED_RATING = re.compile(r"([1-5])(?: (?:sao|diem))?")


def judges_answer(tracker: Tracker) -> bool:
    """Whether a typed message speaks of the answer ("rất hữu ích", "3 sao", "trả lời sai"): then the
    rating buttons are offered for it to be recorded."""
    folded = f" {canonical(tracker.latest_message.get('text') or '').lower()} "
    return bool(re.search(r" [1-5] ?(sao|diem) ", folded)) or any(f" {w} " in folded for w in JUDGING)


def rating_prompted(tracker: Tracker) -> bool:
    """Whether the assistant's last message asked for a rating: the question, or an answer under its
    rating buttons (not the list of other procedures after it, where "2" picks one)."""
    said = [e for e in tracker.events if e.get("event") == "bot" and e.get("text")]
    rating_payloads = {payload for _, payload in m.RATING_BUTTONS}
    return bool(said) and (said[-1]["text"] == m.FEEDBACK_ASK or any(
        b.get("payload") in rating_payloads for b in (said[-1].get("data") or {}).get("buttons") or []))


def rating_from(tracker: Tracker) -> int | None:
    """1..5 from a rating button's payload ("Hữu ích", "Chưa đúng"), or a bare digit typed right after
    the assistant asked for a rating (or answered under the rating buttons); None for anything else."""
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/"):
        for entity in tracker.latest_message.get("entities", []):
            if entity.get("entity") == "rating" and str(entity.get("value")).isdigit():
                return max(1, min(5, int(entity["value"])))
        return None
    typed = TYPED_RATING.fullmatch(canonical(text).lower().strip())
    return int(typed.group(1)) if typed and rating_prompted(tracker) else None


def last_question(tracker: Tracker) -> str | None:
    for event in reversed(tracker.events):
        if event.get("event") == "user" and (event.get("parse_data") or {}).get("intent", {}).get("name") == "ask_procedure":
            return event.get("text")
    return None


class ActionRecordFeedback(Action):
    def name(self) -> str:
        return "action_record_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        replied = await read_turn(dispatcher, tracker)  # "cháu 8 tuổi": an age; "bé 10 tuổi có làm được ko"
        if replied is not None:
            return replied
        rating = rating_from(tracker)
        if rating is None:
            if tracker.get_slot("current_procedure") and judges_answer(tracker):  # "3 sao", "rất hữu ích": which?
                dispatcher.utter_message(text=m.FEEDBACK_ASK, buttons=buttons(m.RATING_BUTTONS))
                return []
            replied = await reply_to_named_procedure(dispatcher, tracker, suggest_if_named=True)  # "tạm nghỉ bán hàng 3 tháng"
            if replied is not None:
                return replied
            # nothing answered yet to rate ("lam vneid muc 2"), or no word on the answer ("so 1 hay so 2 a")
            dispatcher.utter_message(text=m.FALLBACK_REPHRASE, buttons=buttons(m.FALLBACK_EXAMPLES))
            return []
        await run_in_threadpool(analytics.record_feedback, tracker.sender_id, rating,
                                tracker.get_slot("current_procedure"), last_question(tracker))
        dispatcher.utter_message(text=m.FEEDBACK_THANKS if rating >= 4 else m.FEEDBACK_SORRY)
        return []
