"""The aspects of a procedure a citizen can ask about, and how to tell which one was asked.

The phrases come from ``nlu_data/lexicon/aspects.tsv`` (shared with the NLU synonyms and the search).
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from rasa_sdk import Tracker

from bot.vietnamese import canonical, lexicon, phrase_list, without_phrases
from dossiers.answers import asks_yes_no, folded


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


# Where one question ends and the next begins: "hết bao nhiêu tiền và mất mấy ngày", "cần gì, nộp ở đâu".
CLAUSE_BREAK = re.compile(r"[,;?.!\n]+|\s(?:và|va|với|voi|còn|rồi|roi|thêm|them|với cả|voi ca)\s", re.IGNORECASE)


def aspects_in(text: str) -> list[Aspect]:
    """Every aspect the text asks, one a clause, in the order asked ("hết bao nhiêu tiền và mất mấy
    ngày": fee, then time). Within a clause the lexicon decides: "bao lâu thì có kết quả" asks the time."""
    return list(dict.fromkeys(a for a in map(aspect_in, CLAUSE_BREAK.split(text or "")) if a))


def aspects_asked_openly(text: str) -> list[Aspect]:
    """The aspects of the clauses that ask what, not whether ("phí bao nhiêu và nộp online dc ko": the fee) —
    a yes/no clause is the record's to answer."""
    return list(dict.fromkeys(a for clause in CLAUSE_BREAK.split(text or "")
                              if (a := aspect_in(clause)) and not asks_yes_no(clause)))


def detect_aspect(tracker: Tracker) -> Aspect | None:
    """The aspect asked: the first a phrase of the message asks, else the NLU's entity (whose synonyms
    include words too loose to decide alone: "bao lâu thì có tiền" asks the time, not the fee)."""
    text = tracker.latest_message.get("text") or ""
    asked = None if text.startswith("/") else aspect_in(text)  # a button's payload names its aspect
    if asked:
        return asked
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == "aspect" and entity.get("value") in Aspect._value2member_map_:
            return Aspect(entity["value"])
    return None


def pending_aspect(tracker: Tracker) -> Aspect | None:
    """The aspect asked before a choice was offered, kept in the ``pending_aspect`` slot. Rasa gives a
    slot back as the plain string it stored: it is read here, once, into an ``Aspect``."""
    value = tracker.get_slot("pending_aspect")
    return Aspect(value) if value in Aspect._value2member_map_ else None


# A time question that asks a deadline or a period the record sets ("hạn chót là bao lâu", "phải gia hạn
# trước mấy ngày", "chậm nhất bao lâu sau khi nghỉ việc"), not how long the office takes: folded.
DEADLINE = re.compile(r"\b(han chot|thoi han|cham nhat|truoc may ngay|truoc bao lau|trong vong bao lau|han la|"
                      r"han bao lau|sau khi .{1,40} bao lau|sau bao lau)\b")


def asks_deadline(text: str) -> bool:
    """Whether a time question asks the record's deadline or period, not the processing time."""
    return bool(DEADLINE.search(folded(text)))
