"""Life events mapped to the procedures they involve, in order (``knowledge/data/life_events.yml``).

``life_event_in(text)`` recognises the event a citizen describes ("bố tôi mới mất…"); the steps name
catalogue procedures, so every fact shown beside them comes from the catalogue record. A step's cues
say the citizen already told which step they need ("mua xe cũ" is the transfer of ownership).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.vietnamese import canonical
from knowledge.catalogue import get_procedure

LIFE_EVENTS = Path(__file__).resolve().parent / "data" / "life_events.yml"
EVENT_KEYS = {"id", "title", "phrases", "steps", "note", "ordered", "not_before"}
CLAUSE_END = re.compile(r"[,.;:!?…]+(?:\s|$)|\n")
CLAUSE_MARK = " ¦ "  # no phrase holds it: phrases do not match across a comma or a full stop
STEP_KEYS = {"code", "label", "when", "cues"}
DONE, NOT_YET = "da", ("chua", "khong")  # "đã", "chưa", "không", folded


@dataclass(frozen=True)
class Step:
    code: str
    label: str  # a short name a button can hold; the full name is the catalogue's
    when: str
    cues: tuple[str, ...] = ()  # canonical


@dataclass(frozen=True)
class LifeEvent:
    id: str
    title: str
    phrases: tuple[str, ...]  # canonical
    steps: tuple[Step, ...]
    note: str = ""  # what the event also involves outside the catalogue, said honestly
    ordered: bool = True  # steps in order; else alternatives, one per case (which paper was lost)
    not_before: tuple[str, ...] = ()  # canonical; a phrase followed by one tells something else


def _phrases(raw: list[str]) -> tuple[str, ...]:
    """Canonical, longest first."""
    return tuple(sorted({canonical(p) for p in raw}, key=len, reverse=True))


def _padded(text: str) -> str:
    return f" {CLAUSE_MARK.join(canonical(clause) for clause in CLAUSE_END.split(text or ''))} "


def _spans(padded: str, phrases: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the phrases occur in the padded canonical text, as (start, end) character spans."""
    spans = []
    for phrase in phrases:
        start = padded.find(f" {phrase} ")
        while start != -1:
            spans.append((start, start + len(phrase) + 1))
            start = padded.find(f" {phrase} ", start + 1)
    return spans


@cache
def life_events() -> tuple[LifeEvent, ...]:
    events = []
    for raw in yaml.safe_load(LIFE_EVENTS.read_text(encoding="utf-8")):
        unknown = set(raw) - EVENT_KEYS | {k for s in raw["steps"] for k in s} - STEP_KEYS
        if unknown:
            raise ValueError(f"life event {raw['id']}: unknown keys {sorted(unknown)}")
        steps = tuple(Step(s["code"], s["label"], s["when"], _phrases(s.get("cues", []))) for s in raw["steps"])
        missing = [s.code for s in steps if get_procedure(s.code) is None]
        if missing:
            raise ValueError(f"life event {raw['id']}: no such procedure {missing}")
        events.append(LifeEvent(raw["id"], raw["title"], _phrases(raw["phrases"]), steps, raw.get("note", ""),
                                raw.get("ordered", True), _phrases(raw.get("not_before", []))))
    return tuple(events)


def life_event_in(text: str) -> LifeEvent | None:
    """The life event a message describes, if any (the first in the file when several). A phrase
    overlapping a longer one of another event does not count: "mới mất việc" is a lost job, not a
    death; "xuất khẩu lao động Hàn Quốc" does not hold "đóng hẳn" (folded: "dong han"). Nor does one
    followed by one of the event's ``not_before`` words ("vừa mất cái ví" is a loss, not a death)."""
    padded = _padded(text)
    found = [(event, [span for span in _spans(padded, event.phrases)
                      if not any(padded.startswith(f" {word} ", span[1]) for word in event.not_before)])
             for event in life_events()]
    longer = [(span, event) for event, spans in found for span in spans]

    def stands(event: LifeEvent, span: tuple[int, int]) -> bool:
        return not any(other is not event and o[0] < span[1] and span[0] < o[1] and o[1] - o[0] > span[1] - span[0]
                       for o, other in longer)

    return next((event for event, spans in found if any(stands(event, span) for span in spans)), None)


def cued_step(event: LifeEvent, text: str) -> Step | None:
    """The step of the event the message already points to ("mua xe cũ" → the transfer), if any; the
    longest cue wins ("không còn sổ gốc" over "khai sinh": the record itself is gone). A step the
    citizen says is done is not the one asked ("đã làm văn bản phân chia di sản… bước tiếp theo để
    đứng tên sổ đỏ" asks for the transfer)."""
    padded = _padded(text)
    cued = [(len(cue), -i, step) for i, step in enumerate(event.steps) for cue in step.cues
            if any(not _done(padded, start) for start, _ in _spans(padded, (cue,)))]
    return max(cued, key=lambda c: c[:2])[2] if cued else None


def _done(padded: str, start: int) -> bool:
    """Whether the phrase at ``start`` is told as done: "đã" is the last of "đã", "chưa", "không"
    before it in its clause ("đã làm văn bản…"; not "mất đã 3 năm mà chưa khai tử")."""
    words = padded[:start].rsplit(CLAUSE_MARK.strip(), 1)[-1].split()
    said = [w for w in words if w in {DONE, *NOT_YET}]
    return bool(said) and said[-1] == DONE


def event_words(event: LifeEvent, text: str) -> set[str]:
    """The words of the message that tell the event ("bị mất việc"): they name no procedure."""
    padded = _padded(text)
    return {word for phrase in event.phrases if f" {phrase} " in padded for word in phrase.split()}
