"""Two-stage fallback: first ask to rephrase (with examples), then offer a human officer. Small talk
that turns out to tell a situation is answered as one."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import messages as m
from actions.aspects import aspects_in
from actions.procedures import (
    NAMING_WORDS,
    ActionAnswerAspect,
    buttons,
    content_words,
    read_turn,
    reply_to_named_procedure,
)
from dossiers.answers import asks_question, folded

# Words that ask about the assistant itself (folded): "bạn là ai", "có phải bot không", "đây là chatbot hả",
# "bạn làm được gì". "Bạn" alone is not enough: undiacritised, "nguoi ban" is also the seller.
ABOUT_ASSISTANT = re.compile(r"\b(bot|robot|chatbot|tri tue nhan tao|tro ly|nguoi that|nguoi hay may|voi may|"
                             r"ai dang tra loi|(?:ban|em|may) (?:la|ten)|lam duoc gi|giup duoc gi|biet lam gi)\b")


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        replied = await read_turn(dispatcher, tracker)  # "ở Việt Nam", "bức xúc quá", "có cần bố đồng ý không"
        text = tracker.latest_message.get("text") or ""
        if replied is None and tracker.get_slot("current_procedure") and aspects_in(text):
            # "hạn là bao lâu sau khi khai sinh" not understood: a follow-up about the procedure under discussion
            return await ActionAnswerAspect().run(dispatcher, tracker, domain)
        if replied is None:
            replied = await reply_to_named_procedure(dispatcher, tracker, suggest_if_named=True)  # never a dead end
        if replied is not None:
            return replied
        count = int(tracker.get_slot("fallback_count") or 0)
        if count == 0:
            dispatcher.utter_message(text=m.FALLBACK_REPHRASE, buttons=buttons(m.FALLBACK_EXAMPLES))
        else:
            dispatcher.utter_message(text=m.FALLBACK_HUMAN, buttons=buttons(m.FALLBACK_HUMAN_BUTTONS))
        # Revert the misunderstood message so it does not steer the dialogue policies.
        return [UserUtteranceReverted(), SlotSet("fallback_count", float(count + 1))]


class ActionSmallTalk(Action):
    """"Are you a bot?", off-topic messages and courtesies get their canned answer — unless the NLU put a
    reply to what is pending there ("không phải thường trú, mình chỉ ở tạm vài năm thôi" read as goodbye), a life
    event there ("dẹp quán không bán nữa thì có phải báo ai không": "báo ai" read as "who are you") or
    a procedure it names ("xin giấy miễn thị thực 5 năm cho chồng")."""

    RESPONSES = {"bot_challenge": "utter_iamabot", "out_of_scope": "utter_out_of_scope", "greet": "utter_greet",
                 "goodbye": "utter_goodbye", "thank": "utter_thank"}
    COURTESIES = frozenset({"greet", "goodbye", "thank"})

    def name(self) -> str:
        return "action_small_talk"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = tracker.latest_message.get("text") or ""
        if intent in self.COURTESIES and len(content_words(text)) < NAMING_WORDS + 1 and not asks_question(text):
            dispatcher.utter_message(response=self.RESPONSES[intent])  # "cảm ơn bạn nhiều": nothing more to read
            return []
        # "có phải về quê làm không", taken for off-topic; "cả hai người có phải có mặt không" for "are you a
        # person?" — answered if the record says, else the assistant's own answer
        # "người bán có phải đi làm thủ tục gì không" is no "are you a person?" ("ban" read as "bạn"): without
        # words about the assistant, a question about the procedure under discussion is answered as one
        challenge = intent == "bot_challenge" and bool(ABOUT_ASSISTANT.search(folded(text)))
        replied = await read_turn(dispatcher, tracker, only_if_said=challenge)
        if replied is None:
            replied = await reply_to_named_procedure(dispatcher, tracker, small_talk=True)
        if replied is not None:
            return replied
        dispatcher.utter_message(response=self.RESPONSES.get(intent, "utter_out_of_scope"))
        return []
