"""Short questions about a citizen's situation that tell close variants apart
(``knowledge/data/situation_questions.yml``): "Trong việc này có ai là người nước ngoài không?" with
two short buttons instead of two 200-character procedure names.

``question_for(codes)`` finds the question that separates the variants offered and orders them by its
answers; ``typed_answer(question, text)`` reads which answer a typed reply gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.vietnamese import canonical
from knowledge.catalogue import get_procedure
from knowledge.search import age_fits, cued_markers, stated_age

SITUATION_QUESTIONS = Path(__file__).resolve().parent / "data" / "situation_questions.yml"
MAX_TITLE = 40  # a button's length everywhere (actions/titles.py)
ANSWER_KEYS = {"title", "name_has", "name_lacks", "bare", "typed"}


@dataclass(frozen=True)
class Answer:
    title: str
    name_has: str = ""  # canonical
    name_lacks: str = ""
    yes: bool = False
    no: bool = False
    typed: tuple[str, ...] = ()  # canonical, longest first

    def selects(self, name: str) -> bool:
        name = f" {canonical(name)} "
        return (not self.name_has or f" {self.name_has} " in name) and \
            (not self.name_lacks or f" {self.name_lacks} " not in name)


@dataclass(frozen=True)
class SituationQuestion:
    id: str
    question: str
    answers: tuple[Answer, ...]


@cache
def situation_questions() -> dict[str, SituationQuestion]:
    questions = {}
    for raw in yaml.safe_load(SITUATION_QUESTIONS.read_text(encoding="utf-8")):
        answers = []
        for item in raw["answers"]:
            if set(item) - ANSWER_KEYS:  # YAML reads a key `yes:` as True: refuse what would be ignored
                raise ValueError(f"situation question {raw['id']}: unknown keys {set(item) - ANSWER_KEYS}")
            if len(item["title"]) > MAX_TITLE or not (item.get("name_has") or item.get("name_lacks")):
                raise ValueError(f"situation question {raw['id']}: answer {item['title']!r} too long or selects nothing")
            typed = tuple(sorted({canonical(p) for p in item.get("typed", [])}, key=len, reverse=True))
            bare = item.get("bare")
            if bare not in {None, "có", "không"}:
                raise ValueError(f"situation question {raw['id']}: bare must be 'có' or 'không', not {bare!r}")
            answers.append(Answer(item["title"], canonical(item.get("name_has", "")), canonical(item.get("name_lacks", "")),
                                  bare == "có", bare == "không", typed))
        questions[raw["id"]] = SituationQuestion(raw["id"], raw["question"], tuple(answers))
    return questions


def question_for(codes: list[str]) -> tuple[SituationQuestion, list[str]] | None:
    """The question whose answers match the procedures ``codes`` one to one, and the codes in the
    order of its answers; None when no question separates them."""
    names = {code: get_procedure(code).name for code in codes if get_procedure(code)}
    for question in situation_questions().values():
        chosen = []
        for answer in question.answers:
            matching = [code for code, name in names.items() if answer.selects(name)]
            if len(matching) != 1:
                break
            chosen.append(matching[0])
        if len(chosen) == len(question.answers) and sorted(chosen) == sorted(names):
            return question, chosen
    return None


def typed_answer(question: SituationQuestion, text: str, codes: list[str], yes: bool = False,
                 no: bool = False) -> int | None:
    """Which answer (index) a reply gives, ``codes`` being the variants in the order of the answers:
    the one variant a stated age fits ("không phải, bé 15 tuổi rồi": the age, not the "không", answers
    "đã đủ 14 tuổi chưa?"); else a bare yes/no (as the caller read it); else the one answer whose typed
    phrases or variant cues ("chồng tôi là người Nhật") the reply contains."""
    age = stated_age(text)
    fitting = {index for index, code in enumerate(codes) if age_fits(get_procedure(code).name, age)} \
        if age is not None else set()
    if len(fitting) == 1:
        return fitting.pop()
    for index, answer in enumerate(question.answers):
        if (yes and answer.yes) or (no and answer.no):
            return index
    padded, cues = f" {canonical(text)} ", cued_markers(text)
    found = {index for index, answer in enumerate(question.answers)
             if any(f" {phrase} " in padded for phrase in answer.typed) or (answer.name_has and answer.name_has in cues)}
    return found.pop() if len(found) == 1 else None
