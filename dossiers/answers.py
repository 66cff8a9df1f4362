"""What a short answer means ("đúng rồi", "ko", "bỏ qua", "hủy"), from ``nlu_data/lexicon/answers.tsv``."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from bot.vietnamese import fold, lexicon


class Meaning(StrEnum):
    YES = "yes"
    NO = "no"
    NONE = "none"  # nothing to declare: an optional field left empty
    CANCEL = "cancel"
    REVIEW = "review"
    SAME = "same"  # the same as the citizen's own answer
    LOGIN = "login"  # asks to sign in (the form goes on; the gateway adds the link)


def folded(text: str) -> str:
    """Lower-case words without diacritics or punctuation: the form answers are compared in."""
    return " ".join(re.findall(r"\w+|-", fold(text or "").lower()))


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[Meaning]]:
    table: dict[str, set[Meaning]] = {}
    for word, meaning in lexicon("answers"):
        table.setdefault(folded(word), set()).add(Meaning(meaning))
    return {word: frozenset(meanings) for word, meanings in table.items()}


def means(text: str, meaning: Meaning) -> bool:
    """Whether the whole answer ``text`` says ``meaning`` ("Đúng rồi!" means yes)."""
    return meaning in _table().get(folded(text), frozenset())


def phrases_meaning(*meanings: Meaning) -> list[str]:
    """The lexicon's words and phrases saying any of ``meanings`` (folded), longest first: what to take
    out of a reply to see whether anything else is said ("không phải, ý tôi là kết hôn")."""
    return sorted((word for word, said in _table().items() if said & set(meanings)), key=len, reverse=True)


def holds(text: str, *meanings: Meaning) -> bool:
    """Whether a word or phrase saying one of ``meanings`` stands anywhere in ``text`` ("không cần đâu"
    holds no)."""
    padded = f" {folded(text)} "
    return any(said & set(meanings) and f" {word} " in padded for word, said in _table().items())


# Sentence-final "không / ko / k / hok / chưa" (and the courtesy after it: "ạ", "nhỉ", "vậy") after other
# words asks a question — "nộp online dc ko", "làm ở xã được không ạ", "xong chưa" — and says no "no".
QUESTION_END = re.compile(r"(?:^| )(?:khong|ko|k|kg|khg|hok|hong|hem|chua)(?: (?:a|ah|nhi|nha|nhe|vay|v|z|the|ha|ta))*$")
# What may stand before a bare no without making it a question: "dạ không", "ạ không ạ", "thôi không".
COURTESY = frozenset({"da", "a", "vang", "thua", "u", "uh", "o", "oi", "thoi", "khong", "ko", "k"})


# Words that make a message a question even without "?" or a closing "ko": "cần những gì", "ai được
# làm", "có phải …", "… được không". Folded, whole words.
# Question words that ask what, who, where, when, how much or how (folded) — not whether.
WH_CUE = r"gi|j|nao|dau|ai|bao gio|bao nhieu|bao lau|may ngay|(?:thi|tai|vi|lam|ra) sao|sao lai|the nao"
QUESTION_CUE = re.compile(rf"\b({WH_CUE}|co phai|co can|co duoc|co bat buoc|duoc khong|dc khong|phai khong|hay khong)\b")
ASKS_WHAT = re.compile(rf"\b({WH_CUE})\b")


# Closing particles that ask, read with their diacritics ("phải có mặt à", "làm ở đây được hả"): folded,
# "à" would be the courtesy "ạ".
ASKING_END = re.compile(r"\s(à|hả|hở|chứ|nhỉ|ư)\s*[.!]*$", re.IGNORECASE)


# A question asking whether ("… có phải …", "… được không"), folded.
WHETHER_CUE = re.compile(r"\b(co phai|co can|co duoc|co bat buoc|duoc khong|dc khong|phai khong|co mat phi|"
                         r"con duoc|hay khong)\b")


def asks_whether(text: str) -> bool:
    """Whether ``text`` asks a yes/no question: closed by "ko", or asking "có phải / được không"."""
    return asks_yes_no(text) or bool(WHETHER_CUE.search(folded(text))) or bool(ASKING_END.search(text or ""))


def asks_what(text: str) -> bool:
    """Whether ``text`` asks what, who, where, when, how much or how ("ai ký tờ khai", "hồ sơ cần gì")."""
    return bool(ASKS_WHAT.search(folded(text)))


def asks_question(text: str) -> bool:
    """Whether ``text`` asks something: a "?", a closing question particle, or a question word."""
    return "?" in (text or "") or asks_yes_no(text) or bool(QUESTION_CUE.search(folded(text))) \
        or bool(ASKING_END.search(text or ""))


def asks_yes_no(text: str) -> bool:
    """Whether ``text`` is a question closed by a question particle ("có cần giấy khai sinh ko",
    "dc ko"): then its "không" is no answer. A bare "không", "không ạ", "dạ không" is an answer."""
    said = folded(text)
    end = QUESTION_END.search(said)
    return bool(end) and any(word not in COURTESY for word in said[:end.start()].split())
