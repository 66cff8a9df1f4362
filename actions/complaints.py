"""A complaint ("tôi muốn khiếu nại", "cán bộ xã gây khó dễ", "bức xúc quá") is no procedure question
and no plain call for an officer: the citizen gets the national portal's channel for complaints and
petitions (phản ánh, kiến nghị), with the officer offered beside it. Every action the NLU may send
one to asks ``reply_to_complaint`` first."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import messages as m
from bot.vietnamese import canonical

# Folded, whole words: what a citizen says when complaining of a service or an officer.
COMPLAINT = re.compile(r"\b(khieu nai|phan anh|kien nghi|buc xuc|gay kho de|gay kho khan|kho de|lam kho|hach sach|"
                       r"nhung nhieu|voi tien|tieu cuc|thai do)\b")
# ... unless it asks about the complaint procedures themselves ("thủ tục giải quyết khiếu nại lần đầu").
ABOUT_A_PROCEDURE = re.compile(r"\b(thu tuc|giai quyet khieu nai|giai quyet to cao|mau don|mau to khai)\b")


def is_complaint(text: str) -> bool:
    said = canonical(text or "").lower()
    return not text.startswith("/") and bool(COMPLAINT.search(said)) and not ABOUT_A_PROCEDURE.search(said)


def reply_to_complaint(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """The complaints channel and the officer button, if the message complains; None otherwise."""
    if not is_complaint(tracker.latest_message.get("text") or ""):
        return None
    dispatcher.utter_message(text=m.COMPLAINT.format(url=m.COMPLAINT_URL),
                             buttons=[{"title": title, "payload": payload} for title, payload in m.COMPLAINT_BUTTONS])
    return []
