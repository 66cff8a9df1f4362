"""Actions that answer procedure questions from the catalogue."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import answers
from actions import messages as m
from bot.vietnamese import canonical
from dossiers import store
from knowledge.catalogue import get_procedure
from knowledge.search import SearchResult, search

logger = logging.getLogger(__name__)

# Folded keywords -> aspect, for when the NLU found the intent but no aspect entity.
ASPECT_KEYWORDS = [
    ("giay to", "giấy tờ"), ("ho so gom", "giấy tờ"), ("can gi", "giấy tờ"), ("mang theo", "giấy tờ"),
    ("le phi", "lệ phí"), ("phi", "lệ phí"), ("bao nhieu tien", "lệ phí"), ("ton bao nhieu", "lệ phí"),
    ("bao lau", "thời gian"), ("may ngay", "thời gian"), ("thoi gian", "thời gian"),
    ("o dau", "nơi nộp"), ("co quan nao", "nơi nộp"), ("noi nop", "nơi nộp"),
    ("cac buoc", "trình tự"), ("trinh tu", "trình tự"), ("quy trinh", "trình tự"),
    ("online", "nộp trực tuyến"), ("truc tuyen", "nộp trực tuyến"), ("qua mang", "nộp trực tuyến"),
    ("can cu", "căn cứ pháp lý"), ("luat nao", "căn cứ pháp lý"), ("van ban nao", "căn cứ pháp lý"),
    ("ket qua", "kết quả"), ("dieu kien", "điều kiện"),
]


def detect_aspect(tracker: Tracker) -> str | None:
    """The aspect asked: the NLU entity if any, else a keyword in the message."""
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == "aspect" and entity.get("value") in answers.ASPECTS:
            return entity["value"]
    folded = f" {canonical(tracker.latest_message.get('text') or '').lower()} "
    for keyword, aspect in ASPECT_KEYWORDS:
        if f" {keyword} " in folded:
            return aspect
    return None


def buttons(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"title": title, "payload": payload} for title, payload in pairs]


def answer(dispatcher: CollectingDispatcher, code: str, aspect: str | None) -> list[dict[str, Any]]:
    """Reply about one procedure (an aspect or the overview) and remember it."""
    procedure = get_procedure(code)
    if procedure is None:
        dispatcher.utter_message(text=m.NO_CURRENT_PROCEDURE)
        return []
    text = answers.aspect_answer(procedure, aspect) if aspect else answers.overview(procedure)
    dispatcher.utter_message(text=text, buttons=buttons(m.NEXT_STEP_BUTTONS + m.RATING_BUTTONS))
    return [SlotSet("current_procedure", code), SlotSet("fallback_count", 0.0)]


def reply_not_confident(dispatcher: CollectingDispatcher, result: SearchResult) -> None:
    if result.other_ministry:
        dispatcher.utter_message(text=m.OTHER_MINISTRY.format(ministry=result.other_ministry, url=m.PORTAL_SEARCH_URL))
        return
    dispatcher.utter_message(text=m.NOT_CONFIDENT.format(url=m.PORTAL_SEARCH_URL))
    if result.results:
        dispatcher.utter_message(
            text=m.SUGGESTIONS_INTRO, buttons=buttons([(h.name, h.name) for h in result.results[:3]])
        )


class ActionAnswerProcedure(Action):
    """Find the procedure a citizen means; answer, clarify between variants, or say honestly we are unsure."""

    def name(self) -> str:
        return "action_answer_procedure"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        question = tracker.latest_message.get("text") or ""
        result = search(question)
        store.record_question(question, result.results[0].code if result.confident else None, result.confident)
        if not result.confident:
            reply_not_confident(dispatcher, result)
            return [SlotSet("fallback_count", 0.0)]
        top = result.results[0]
        close = [v for v in result.variants if v.score >= top.score - 0.05]
        if close:
            options = [top, *close][:4]
            dispatcher.utter_message(text=m.CLARIFY, buttons=buttons([(h.name, h.name) for h in options]))
            return [SlotSet("current_procedure", top.code)]
        events = answer(dispatcher, top.code, detect_aspect(tracker))
        if result.variants:
            dispatcher.utter_message(
                text=m.OTHER_VARIANTS, buttons=buttons([(h.name, h.name) for h in result.variants[:3]])
            )
        return events


class ActionAnswerAspect(Action):
    """Answer a follow-up ("thế còn lệ phí?") about the procedure under discussion."""

    def name(self) -> str:
        return "action_answer_aspect"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        aspect = detect_aspect(tracker)
        code = tracker.get_slot("current_procedure")
        if not code:
            result = search(tracker.latest_message.get("text") or "")
            if not result.confident:
                dispatcher.utter_message(text=m.NO_CURRENT_PROCEDURE)
                return []
            code = result.results[0].code
        return answer(dispatcher, code, aspect)
