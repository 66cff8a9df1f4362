"""Actions that answer procedure questions from the catalogue."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from starlette.concurrency import run_in_threadpool

from actions import answers
from actions import messages as m
from actions.aspects import Aspect, detect_aspect
from knowledge.catalogue import get_procedure
from knowledge.search import CLOSE_VARIANT, SearchResult, search
from storage import analytics


def buttons(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"title": title, "payload": payload} for title, payload in pairs]


def answer(dispatcher: CollectingDispatcher, code: str, aspect: Aspect | None) -> list[dict[str, Any]]:
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

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        question = tracker.latest_message.get("text") or ""
        result = await run_in_threadpool(search, question)
        await run_in_threadpool(analytics.record_question, question,
                                result.results[0].code if result.confident else None, result.confident)
        if not result.confident:
            reply_not_confident(dispatcher, result)
            return [SlotSet("fallback_count", 0.0)]
        top = result.results[0]
        close = [v for v in result.variants if v.score >= top.score - CLOSE_VARIANT]
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

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        aspect = detect_aspect(tracker)
        code = tracker.get_slot("current_procedure")
        if not code:
            result = await run_in_threadpool(search, tracker.latest_message.get("text") or "")
            if not result.confident:
                dispatcher.utter_message(text=m.NO_CURRENT_PROCEDURE)
                return []
            code = result.results[0].code
        return answer(dispatcher, code, aspect)
