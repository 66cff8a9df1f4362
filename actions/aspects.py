"""The aspects of a procedure a citizen can ask about, and how to tell which one was asked.

The phrases come from ``nlu_data/lexicon/aspects.tsv`` (shared with the NLU synonyms and the search).
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

from rasa_sdk import Tracker

from bot.vietnamese import canonical, lexicon, phrase_list, without_phrases


class Aspect(StrEnum):
    """Values are the NLU's canonical ``aspect`` entity values."""

    DOCUMENTS = "giấy tờ"
    FEE = "lệ phí"
    TIME = "thời gian"
    PLACE = "nơi nộp"
    STEPS = "trình tự"
    ONLINE = "nộp trực tuyến"
    LEGAL_BASIS = "căn cứ pháp lý"
    RESULT = "kết quả"
    CONDITIONS = "điều kiện"


NO_ASPECT = "-"  # lexicon rows that ask "how" without naming an aspect


@lru_cache(maxsize=1)
def detection_phrases() -> list[tuple[str, Aspect]]:
    """(folded phrase, aspect) in lexicon order, for phrases that alone say which aspect is asked."""
    return [(canonical(phrase).lower(), Aspect(aspect)) for phrase, aspect, use in lexicon("aspects")
            if aspect != NO_ASPECT and use in {"strip", "detect"}]


@lru_cache(maxsize=1)
def all_phrases() -> list[str]:
    """Every phrase of the lexicon, folded, longest first."""
    return sorted(set(phrase_list("aspects")), key=len, reverse=True)


def without_aspect_phrases(text: str) -> list[str]:
    """The folded words of ``text`` once every way of asking about an aspect is taken out."""
    return without_phrases(text, all_phrases())


def aspect_in(text: str) -> Aspect | None:
    """The first aspect phrase in ``text`` (whole words, folded), if any."""
    padded = f" {canonical(text or '').lower()} "
    return next((aspect for phrase, aspect in detection_phrases() if f" {phrase} " in padded), None)


def detect_aspect(tracker: Tracker) -> Aspect | None:
    """The aspect asked: the NLU entity if any, else a phrase in the message."""
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == "aspect" and entity.get("value") in Aspect._value2member_map_:
            return Aspect(entity["value"])
    return aspect_in(tracker.latest_message.get("text") or "")


def pending_aspect(tracker: Tracker) -> Aspect | None:
    """The aspect asked before a choice was offered, kept in the ``pending_aspect`` slot. Rasa gives a
    slot back as the plain string it stored: it is read here, once, into an ``Aspect``."""
    value = tracker.get_slot("pending_aspect")
    return Aspect(value) if value in Aspect._value2member_map_ else None
